package s3event

// Field values of the "Object Created" event that consumers match on.
const (
	Source                  = "aws.s3"
	DetailTypeObjectCreated = "Object Created"

	ReasonPutObject               = "PutObject"
	ReasonPostObject              = "POST Object"
	ReasonCopyObject              = "CopyObject"
	ReasonCompleteMultipartUpload = "CompleteMultipartUpload"
)

// Event is the EventBridge envelope of an S3 event.
type Event struct {
	Version    string   `json:"version"`
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Account    string   `json:"account"`
	Time       string   `json:"time"` // RFC 3339, UTC, whole seconds, as AWS sends it
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
	Detail     Detail   `json:"detail"`
}

// Detail is the "detail" object of an "Object Created" event.
type Detail struct {
	Version         string `json:"version"`
	Bucket          Bucket `json:"bucket"`
	Object          Object `json:"object"`
	RequestID       string `json:"request-id"`
	Requester       string `json:"requester"`
	SourceIPAddress string `json:"source-ip-address"`
	Reason          string `json:"reason"`
}

// Bucket names the bucket the object was written to.
type Bucket struct {
	Name string `json:"name"`
}

// Object describes the written object. Key is encoded as by EncodeEventKey;
// call DecodeEventKey (or Event.ObjectKey) before using it with S3. ETag has
// no quotes. VersionID is present only for versioned buckets.
type Object struct {
	Key       string `json:"key"`
	Size      int64  `json:"size"`
	ETag      string `json:"etag"`
	VersionID string `json:"version-id,omitempty"`
	Sequencer string `json:"sequencer"`
}

// ObjectKey returns the decoded object key of the event.
func (e Event) ObjectKey() (string, error) {
	return DecodeEventKey(e.Detail.Object.Key)
}
