package eventbus

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"
)

// The cases below come from these pages (patterns and events as published,
// fixed only where the page's JSON does not parse):
//
//	[patterns]  Amazon EventBridge User Guide, "Amazon EventBridge event patterns"
//	            https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
//	[null]      "Matching null values and empty strings in Amazon EventBridge event patterns"
//	            https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
//	[arrays]    "Arrays in Amazon EventBridge event patterns"
//	            https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
//	[content]   "Content filtering in Amazon EventBridge event patterns"
//	            https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
//	[operators] "Comparison operators for use in event patterns in Amazon EventBridge"
//	            https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
//	[ruler]     aws/event-ruler README, the matcher EventBridge is built on
//	            https://github.com/aws/event-ruler#readme
//
// [pipeline] cases use the imgprep rule's pattern and an S3 "Object Created"
// event shaped as DESIGN.md §3 describes.

// ec2Event is the Amazon EC2 event of [patterns].
const ec2Event = `{
  "version": "0",
  "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "111122223333",
  "time": "2017-12-22T18:43:48Z",
  "region": "us-west-1",
  "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated"}
}`

// autoscalingEvent is the EC2 Auto Scaling event of [patterns] and [null].
const autoscalingEvent = `{
  "version": "0",
  "id": "3e3c153a-8339-4e30-8c35-687ebef853fe",
  "detail-type": "EC2 Instance Launch Successful",
  "source": "aws.autoscaling",
  "account": "123456789012",
  "time": "2015-11-11T21:31:47Z",
  "region": "us-east-1",
  "resources": [],
  "detail": {"eventVersion": "", "responseElements": null}
}`

// macieEvent is the (truncated) Macie Classic event of [patterns].
const macieEvent = `{
  "version": "0",
  "id": "3e355723-fca9-4de3-9fd7-154c289d6b59",
  "detail-type": "Macie Alert",
  "source": "aws.macie",
  "account": "123456789012",
  "time": "2017-04-24T22:28:49Z",
  "region": "us-east-1",
  "resources": [
    "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id",
    "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id"
  ],
  "detail": {
    "notification-type": "ALERT_CREATED",
    "name": "Scanning bucket policies",
    "tags": ["Custom_Alert", "Insider"],
    "risk-score": 80,
    "trigger": {"alert-type": "basic", "risk": 8}
  }
}`

// rulerEvent is the sample event of [ruler], which the [content] patterns
// are written against.
const rulerEvent = `{
  "version": "0",
  "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "012345679012",
  "time": "2017-10-02T16:24:49Z",
  "region": "us-east-1",
  "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  "detail": {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    "state": "running"
  }
}`

// s3Event is an S3 "Object Created" event for an upload.
const s3Event = `{
  "version": "0",
  "id": "17793124-05d4-b198-2fde-7ededc63b103",
  "detail-type": "Object Created",
  "source": "aws.s3",
  "account": "111122223333",
  "time": "2026-11-25T22:00:00Z",
  "region": "eu-west-1",
  "resources": ["arn:aws:s3:::imgprep-input"],
  "detail": {
    "version": "0",
    "bucket": {"name": "imgprep-input"},
    "object": {"key": "uploads/cat+photo.jpg", "size": 5242880, "etag": "b1946ac92492d2347c6235b4d2611184", "sequencer": "00617F08299329D189"},
    "request-id": "N4N7GDK58NMKJ12R",
    "requester": "123456789012",
    "source-ip-address": "203.0.113.15",
    "reason": "PutObject"
  }
}`

const s3Pattern = `{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["imgprep-input"]},"object":{"key":[{"prefix":"uploads/"}]}}}`

type matchCase struct {
	name    string
	pattern string
	event   string
	want    bool
}

func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile([]byte(tc.pattern))
			if err != nil {
				t.Fatalf("Compile(%s): %v", tc.pattern, err)
			}
			got, err := p.Match([]byte(tc.event))
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != tc.want {
				t.Errorf("Match(%s) got %v, want %v", tc.pattern, got, tc.want)
			}
			// MatchValue must agree on the event decoded with UseNumber,
			// and decoded the plain way (float64) too unless that loses a
			// number's text, which exact matches may depend on.
			withText, err := decodeEvent([]byte(tc.event))
			if err != nil {
				t.Fatal(err)
			}
			if got := p.MatchValue(withText); got != tc.want {
				t.Errorf("MatchValue(%s) with json.Number got %v, want %v", tc.pattern, got, tc.want)
			}
			if !numbersKeepText(withText) {
				return
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(tc.event), &m); err != nil {
				t.Fatalf("Unmarshal event: %v", err)
			}
			if got := p.MatchValue(m); got != tc.want {
				t.Errorf("MatchValue(%s) with float64 got %v, want %v", tc.pattern, got, tc.want)
			}
		})
	}
}

// numbersKeepText reports whether every number in v reads back as the same
// text after a trip through float64.
func numbersKeepText(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			if !numbersKeepText(e) {
				return false
			}
		}
	case []any:
		for _, e := range t {
			if !numbersKeepText(e) {
				return false
			}
		}
	case json.Number:
		f, err := t.Float64()
		return err == nil && strconv.FormatFloat(f, 'g', -1, 64) == t.String()
	}
	return true
}

func TestMatchEventPatternsPage(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"patterns/ec2 terminated", `{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["terminated"]}}`, ec2Event, true},
		{"patterns/ec2 running does not match terminated", `{"source":["aws.ec2"],"detail":{"state":["running"]}}`, ec2Event, false},
		{"patterns/source any of ec2 or fargate", `{"source":["aws.ec2","aws.fargate"]}`, ec2Event, true},
		{"patterns/source fargate only", `{"source":["aws.fargate"]}`, ec2Event, false},
		{"patterns/field missing from event", `{"detail":{"color":["red"]}}`, ec2Event, false},
		{"patterns/nesting must agree", `{"state":["terminated"]}`, ec2Event, false},
		{"patterns/strings are case sensitive", `{"source":["AWS.EC2"]}`, ec2Event, false},
		{"patterns/autoscaling responseElements null", `{"source":["aws.autoscaling"],"detail-type":["EC2 Instance Launch Successful"],"detail":{"responseElements":[null]}}`, autoscalingEvent, true},
		{"patterns/macie risk score and trigger risk", `{"source":["aws.macie"],"detail-type":["Macie Alert"],"detail":{"risk-score":[80],"trigger":{"risk":[8]}}}`, macieEvent, true},
		{"patterns/macie risk score 81", `{"detail":{"risk-score":[81]}}`, macieEvent, false},
		{"patterns/macie tags array holds Insider", `{"detail":{"tags":["Insider"]}}`, macieEvent, true},
		{"ruler/number by value 80.0", `{"detail":{"risk-score":[80.0]}}`, macieEvent, true},
		{"ruler/number by value 8.0e1", `{"detail":{"risk-score":[8.0e1]}}`, macieEvent, true},
		{"patterns/number does not match string", `{"detail":{"risk-score":["80"]}}`, macieEvent, false},
	})
}

func TestMatchNullAndEmptyPage(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"null/empty string", `{"detail":{"eventVersion":[""]}}`, autoscalingEvent, true},
		{"null/null value", `{"detail":{"responseElements":[null]}}`, autoscalingEvent, true},
		{"null/empty string pattern does not match null", `{"detail":{"responseElements":[""]}}`, autoscalingEvent, false},
		{"null/null pattern does not match empty string", `{"detail":{"eventVersion":[null]}}`, autoscalingEvent, false},
		{"null/null pattern does not match missing field", `{"detail":{"nothing":[null]}}`, autoscalingEvent, false},
		{"null/booleans exact", `{"detail":{"ok":[true]}}`, `{"detail":{"ok":true}}`, true},
		{"null/boolean does not match its string", `{"detail":{"ok":["true"]}}`, `{"detail":{"ok":true}}`, false},
		{"null/false does not match true", `{"detail":{"ok":[false]}}`, `{"detail":{"ok":true}}`, false},
	})
}

func TestMatchArraysPage(t *testing.T) {
	pattern := `{"resources":[
	  "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
	  "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
	  "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]}`
	runMatchCases(t, []matchCase{
		{"arrays/intersection not empty", pattern, `{"resources":[
		  "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
		  "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]}`, true},
		{"arrays/intersection empty", pattern, `{"resources":["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"]}`, false},
		{"arrays/empty event array", pattern, `{"resources":[]}`, false},
		{"ruler/objects in array, one element", `{"employees":{"firstName":["Anna"]}}`,
			`{"employees":[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"},{"firstName":"Peter","lastName":"Jones"}]}`, true},
		{"ruler/nested arrays", `{"employees":{"firstName":["Peter"]}}`,
			`{"employees":[[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"}],[{"firstName":"Peter","lastName":"Jones"}]]}`, true},
		{"ruler/same element both fields", `{"employees":{"firstName":["Anna"],"lastName":["Smith"]}}`,
			`{"employees":[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"}]}`, true},
		{"ruler/fields from different elements never match", `{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}`,
			`{"employees":[{"firstName":"Anna","lastName":"Smith"},{"firstName":"Peter","lastName":"Jones"}]}`, false},
		{"ruler/nested array of values", `{"a":["x"]}`, `{"a":[["y"],["x"]]}`, true},
	})
}

func TestMatchContentFilteringPage(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"content/prefix time", `{"time":[{"prefix":"2017-10-02"}]}`, rulerEvent, true},
		{"content/prefix time other day", `{"time":[{"prefix":"2017-10-03"}]}`, rulerEvent, false},
		{"content/prefix not on numbers", `{"detail":{"c-count":[{"prefix":"5"}]}}`, rulerEvent, false},
		{"content/anything-but string", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, rulerEvent, true},
		{"content/anything-but string equal", `{"detail":{"state":[{"anything-but":"running"}]}}`, rulerEvent, false},
		{"content/anything-but number", `{"detail":{"x-limit":[{"anything-but":123}]}}`, rulerEvent, true},
		{"content/anything-but number equal", `{"detail":{"x-limit":[{"anything-but":301.8}]}}`, rulerEvent, false},
		{"content/anything-but list of strings", `{"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}}`, rulerEvent, true},
		{"content/anything-but list holding the value", `{"detail":{"state":[{"anything-but":["stopped","running"]}]}}`, rulerEvent, false},
		{"content/anything-but list of numbers", `{"detail":{"x-limit":[{"anything-but":[100,200,300]}]}}`, rulerEvent, true},
		{"content/anything-but list of numbers holding the value", `{"detail":{"c-count":[{"anything-but":[4,5]}]}}`, rulerEvent, false},
		{"content/anything-but prefix", `{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}`, rulerEvent, true},
		{"content/anything-but prefix of the value", `{"detail":{"state":[{"anything-but":{"prefix":"run"}}]}}`, rulerEvent, false},
		{"content/anything-but needs the field", `{"detail":{"color":[{"anything-but":"red"}]}}`, rulerEvent, false},
		{"content/numeric range", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`, rulerEvent, true},
		{"content/numeric open top excludes 5", `{"detail":{"c-count":[{"numeric":[">",0,"<",5]}]}}`, rulerEvent, false},
		{"content/numeric less than", `{"detail":{"d-count":[{"numeric":["<",10]}]}}`, rulerEvent, true},
		{"content/numeric equals 3.018e2", `{"detail":{"x-limit":[{"numeric":["=",3.018e2]}]}}`, rulerEvent, true},
		{"content/numeric equals other", `{"detail":{"x-limit":[{"numeric":["=",301.9]}]}}`, rulerEvent, false},
		{"content/numeric all fields", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}}`, rulerEvent, true},
		{"content/numeric not on strings", `{"detail":{"state":[{"numeric":[">",0]}]}}`, rulerEvent, false},
		{"content/cidr", `{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}`, rulerEvent, true},
		{"content/cidr other net", `{"detail":{"source-ip":[{"cidr":"10.0.1.0/24"}]}}`, rulerEvent, false},
		{"content/exists false on missing field", `{"detail":{"c-count":[{"exists":false}]}}`,
			`{"detail-type":["EC2 Instance State-change Notification"],"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],"detail":{"state":["initializing","running"]}}`, true},
		{"content/exists false on non-leaf field", `{"detail":{"c-count":[{"exists":false}]}}`,
			`{"detail-type":["EC2 Instance State-change Notification"],"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],"detail":{"state":["initializing","running"],"c-count":{"c1":100}}}`, true},
		{"content/exists false on present field", `{"detail":{"c-count":[{"exists":false}]}}`, rulerEvent, false},
		{"ruler/exists true on present field", `{"detail":{"c-count":[{"exists":true}]}}`, rulerEvent, true},
		{"ruler/exists true on missing field", `{"detail":{"e-count":[{"exists":true}]}}`, rulerEvent, false},
		{"content/complex example", `{
		  "time":[{"prefix":"2017-10-02"}],
		  "detail":{
		    "state":[{"anything-but":"initializing"}],
		    "c-count":[{"numeric":[">",0,"<=",5]}],
		    "d-count":[{"numeric":["<",10]}],
		    "x-limit":[{"anything-but":[100,200,300]}],
		    "source-ip":[{"cidr":"10.0.0.0/8"}]}}`, rulerEvent, true},
	})
}

func TestMatchOperatorsPage(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"operators/and", `{"Location":["New York"],"Day":["Monday"]}`, `{"Location":"New York","Day":"Monday"}`, true},
		{"operators/and one fails", `{"Location":["New York"],"Day":["Monday"]}`, `{"Location":"New York","Day":"Tuesday"}`, false},
		{"operators/anything-but suffix", `{"FileName":[{"anything-but":{"suffix":".png"}}]}`, `{"FileName":"cat.jpg"}`, true},
		{"operators/anything-but suffix .png", `{"FileName":[{"anything-but":{"suffix":".png"}}]}`, `{"FileName":"cat.png"}`, false},
		{"ruler/anything-but prefix list", `{"Region":[{"anything-but":{"prefix":["us-","eu-"]}}]}`, `{"Region":"eu-west-1"}`, false},
		{"ruler/anything-but prefix list other", `{"Region":[{"anything-but":{"prefix":["us-","eu-"]}}]}`, `{"Region":"ap-south-1"}`, true},
		{"ruler/anything-but suffix list", `{"FileName":[{"anything-but":{"suffix":[".png",".gif"]}}]}`, `{"FileName":"cat.gif"}`, false},
		{"operators/anything-but ignore case", `{"state":[{"anything-but":{"equals-ignore-case":"initializing"}}]}`, `{"state":"INITIALIZING"}`, false},
		{"operators/anything-but ignore case other", `{"state":[{"anything-but":{"equals-ignore-case":"initializing"}}]}`, `{"state":"running"}`, true},
		{"operators/anything-but ignore case list", `{"state":[{"anything-but":{"equals-ignore-case":["stopped","Running"]}}]}`, `{"state":"RUNNING"}`, false},
		{"operators/anything-but wildcard", `{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"FilePath":"/usr/lib/libc.so"}`, false},
		{"operators/anything-but wildcard other", `{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"FilePath":"/usr/bin/ls"}`, true},
		{"operators/anything-but wildcard list", `{"FilePath":[{"anything-but":{"wildcard":["*/lib/*","*/bin/*"]}}]}`, `{"FilePath":"/usr/bin/ls"}`, false},
		{"operators/begins with", `{"Region":[{"prefix":"us-"}]}`, `{"Region":"us-east-1"}`, true},
		{"operators/begins with other", `{"Region":[{"prefix":"us-"}]}`, `{"Region":"eu-west-1"}`, false},
		{"operators/begins with ignore case", `{"service":[{"prefix":{"equals-ignore-case":"eventb"}}]}`, `{"service":"EventBridge"}`, true},
		{"operators/begins with ignore case other", `{"service":[{"prefix":{"equals-ignore-case":"eventb"}}]}`, `{"service":"Events"}`, false},
		{"operators/empty", `{"LastName":[""]}`, `{"LastName":""}`, true},
		{"operators/empty not blank", `{"LastName":[""]}`, `{"LastName":" "}`, false},
		{"operators/equals", `{"Name":["Alice"]}`, `{"Name":"Alice"}`, true},
		{"operators/equals ignore case", `{"Name":[{"equals-ignore-case":"alice"}]}`, `{"Name":"ALICE"}`, true},
		{"operators/equals ignore case other", `{"Name":[{"equals-ignore-case":"alice"}]}`, `{"Name":"Alicia"}`, false},
		{"operators/ends with", `{"FileName":[{"suffix":".png"}]}`, `{"FileName":"cat.png"}`, true},
		{"operators/ends with other", `{"FileName":[{"suffix":".png"}]}`, `{"FileName":"cat.PNG"}`, false},
		{"operators/ends with ignore case", `{"service":[{"suffix":{"equals-ignore-case":"tBridge"}}]}`, `{"service":"EVENTBRIDGE"}`, true},
		{"operators/exists", `{"ProductName":[{"exists":true}]}`, `{"ProductName":"Widget"}`, true},
		{"operators/exists null value", `{"ProductName":[{"exists":true}]}`, `{"ProductName":null}`, true},
		{"operators/does not exist", `{"ProductName":[{"exists":false}]}`, `{"Price":3}`, true},
		{"operators/not", `{"Weather":[{"anything-but":["Raining"]}]}`, `{"Weather":"Sunny"}`, true},
		{"operators/null", `{"UserID":[null]}`, `{"UserID":null}`, true},
		{"operators/numeric equals", `{"Price":[{"numeric":["=",100]}]}`, `{"Price":100.0}`, true},
		{"operators/numeric range", `{"Price":[{"numeric":[">",10,"<=",20]}]}`, `{"Price":20}`, true},
		{"operators/numeric range below", `{"Price":[{"numeric":[">",10,"<=",20]}]}`, `{"Price":10}`, false},
		{"operators/numeric >= inclusive", `{"Price":[{"numeric":[">=",10]}]}`, `{"Price":10}`, true},
		{"operators/or", `{"$or":[{"Location":["New York"]},{"Day":["Monday"]}]}`, `{"Location":"Boston","Day":"Monday"}`, true},
		{"operators/or neither", `{"$or":[{"Location":["New York"]},{"Day":["Monday"]}]}`, `{"Location":"Boston","Day":"Friday"}`, false},
		{"operators/or values", `{"PaymentType":["Credit","Debit"]}`, `{"PaymentType":"Debit"}`, true},
		{"operators/wildcard", `{"FileName":[{"wildcard":"dir/*.png"}]}`, `{"FileName":"dir/cat.png"}`, true},
		{"operators/wildcard other dir", `{"FileName":[{"wildcard":"dir/*.png"}]}`, `{"FileName":"other/cat.png"}`, false},
		{"operators/cidr ipv6", `{"sourceIPAddress":[{"cidr":"2001:db8::/32"}]}`, `{"sourceIPAddress":"2001:db8:85a3::8a2e:370:7334"}`, true},
		{"operators/cidr ipv6 other", `{"sourceIPAddress":[{"cidr":"2001:db8::/32"}]}`, `{"sourceIPAddress":"2001:db9::1"}`, false},
	})
}

func TestMatchRulerReadme(t *testing.T) {
	cw := `{"source":"aws.cloudwatch","metricName":"NetworkIn","metricType":"MetricType","namespace":"AWS/EC2","detail":{"source":"x","detail-type":"CloudWatch Alarm State Change"}}`
	runMatchCases(t, []matchCase{
		{"ruler/suffix", `{"source":[{"suffix":"ec2"}]}`, rulerEvent, true},
		{"ruler/equals-ignore-case", `{"source":[{"equals-ignore-case":"AWS.EC2"}]}`, rulerEvent, true},
		{"ruler/wildcard", `{"source":[{"wildcard":"Simple*Service"}]}`, `{"source":"Simple Notification Service"}`, true},
		{"ruler/wildcard needs the suffix", `{"source":[{"wildcard":"Simple*Service"}]}`, `{"source":"Simple Notification Services"}`, false},
		{"ruler/wildcard empty run", `{"source":[{"wildcard":"Simple*Service"}]}`, `{"source":"SimpleService"}`, true},
		{"ruler/wildcard overlapping prefix and suffix", `{"v":[{"wildcard":"ab*ba"}]}`, `{"v":"aba"}`, false},
		{"ruler/wildcard middle parts in order", `{"v":[{"wildcard":"*a*b*c*"}]}`, `{"v":"xxcxbxa"}`, false},
		{"ruler/wildcard middle parts", `{"v":[{"wildcard":"*a*b*c*"}]}`, `{"v":"xaxbxcx"}`, true},
		{"ruler/wildcard escaped star", `{"v":[{"wildcard":"a\\*b"}]}`, `{"v":"a*b"}`, true},
		{"ruler/wildcard escaped star is literal", `{"v":[{"wildcard":"a\\*b"}]}`, `{"v":"axxb"}`, false},
		{"ruler/wildcard escaped backslash", `{"v":[{"wildcard":"a\\\\*"}]}`, `{"v":"a\\bc"}`, true},
		{"ruler/or normal", `{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}]}`, cw, true},
		{"ruler/or parallel", `{"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}],"detail":{"$or":[{"source":["aws.cloudwatch"]},{"detail-type":["CloudWatch Alarm State Change"]}]}}`, cw, true},
		{"ruler/or parallel second fails", `{"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}],"detail":{"$or":[{"source":["aws.cloudwatch"]},{"detail-type":["Other"]}]}}`, cw, false},
		{"ruler/or with and inside", `{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"metricType":["MetricType"],"namespace":["AWS/EC2","AWS/ES"]},{"scope":["Service"]}]}`, cw, true},
		{"ruler/or with and inside half", `{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"metricType":["Other"],"namespace":["AWS/EC2"]},{"scope":["Service"]}]}`, cw, false},
		{"ruler/nested or and", `{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"metricType":["MetricType"],"namespace":["AWS/EC2"],"$or":[{"metricId":[1234]},{"spaceId":[1000]}]},{"scope":["Service"]}]}`,
			`{"source":"aws.cloudwatch","metricType":"MetricType","namespace":"AWS/EC2","spaceId":1000}`, true},
		{"ruler/numeric exact decimals", `{"v":[{"numeric":["=",0.3]}]}`, `{"v":0.30}`, true},
		{"ruler/numeric 6 decimals", `{"v":[{"numeric":[">",0.000001]}]}`, `{"v":0.000002}`, true},
		{"ruler/numeric 7 decimals in event never matches", `{"v":[{"numeric":[">",0]}]}`, `{"v":0.0000001}`, false},
		{"ruler/numeric at the limit", `{"v":[{"numeric":[">=",5e11]}]}`, `{"v":500000000000}`, true},
		{"ruler/numeric outside range never matches", `{"v":[{"numeric":[">",0]}]}`, `{"v":6e11}`, false},
		{"ruler/numeric 6 GB object", `{"size":[{"numeric":[">",5e9]}]}`, `{"size":6442450944}`, true},
		{"ruler/exact number outside range by text", `{"account":[123456789012345678901]}`, `{"account":123456789012345678901}`, true},
		{"ruler/exact number outside range other text", `{"account":[123456789012345678901]}`, `{"account":1.23456789012345678901e20}`, false},
		{"ruler/exact number 7 decimals by text only", `{"v":[1.0000001]}`, `{"v":1.00000010}`, false},
		{"ruler/anything-but number by value", `{"v":[{"anything-but":[300]}]}`, `{"v":3.0e2}`, false},
		{"ruler/anything-but matches other types", `{"v":[{"anything-but":"x"}]}`, `{"v":5}`, true},
		{"ruler/anything-but on array any element", `{"v":[{"anything-but":"a"}]}`, `{"v":["a","b"]}`, true},
		{"ruler/anything-but on array all excluded", `{"v":[{"anything-but":"a"}]}`, `{"v":["a","a"]}`, false},
		{"ruler/exists false on empty array", `{"v":[{"exists":false}]}`, `{"v":[]}`, true},
		{"ruler/exists false or value", `{"v":["x",{"exists":false}]}`, `{"v":"x"}`, true},
		{"ruler/exists false in missing parent", `{"detail":{"c-count":[{"exists":false}]}}`, `{"source":"x"}`, true},
		{"ruler/cidr ipv4-mapped ipv6 event", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":"::ffff:10.1.2.3"}`, true},
		{"ruler/ip literal other spelling", `{"ip":["2001:db8::1"]}`, `{"ip":"2001:0db8:0000:0000:0000:0000:0000:0001"}`, true},
		{"ruler/ip literal other address", `{"ip":["10.0.0.1"]}`, `{"ip":"10.0.0.2"}`, false},
		{"ruler/ip literal same", `{"ip":["10.0.0.1"]}`, `{"ip":"10.0.0.1"}`, true},
		{"ruler/cidr not an ip", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":"host.example"}`, false},
		{"ruler/prefix ignore case kelvin sign", `{"v":[{"prefix":{"equals-ignore-case":"k"}}]}`, `{"v":"\u212aelvin"}`, true},
	})
}

func TestMatchPipelinePattern(t *testing.T) {
	with := func(old, new string) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(s3Event), &m); err != nil {
			t.Fatal(err)
		}
		// Replace one dotted path.
		switch old {
		case "detail-type", "source":
			m[old] = new
		case "bucket":
			m["detail"].(map[string]any)["bucket"].(map[string]any)["name"] = new
		case "key":
			m["detail"].(map[string]any)["object"].(map[string]any)["key"] = new
		case "no-key":
			delete(m["detail"].(map[string]any)["object"].(map[string]any), "key")
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	runMatchCases(t, []matchCase{
		{"pipeline/upload matches", s3Pattern, s3Event, true},
		{"pipeline/other bucket", s3Pattern, with("bucket", "imgprep-output"), false},
		{"pipeline/key outside uploads", s3Pattern, with("key", "processed/cat.jpg"), false},
		{"pipeline/prefix is case sensitive", s3Pattern, with("key", "Uploads/cat.jpg"), false},
		{"pipeline/nested key", s3Pattern, with("key", "uploads/2026/11/cat.jpg"), true},
		{"pipeline/object deleted", s3Pattern, with("detail-type", "Object Deleted"), false},
		{"pipeline/other source", s3Pattern, with("source", "imgprep.local"), false},
		{"pipeline/no key", s3Pattern, with("no-key", ""), false},
	})
}

func TestMatchEventNotObject(t *testing.T) {
	p := MustCompile(s3Pattern)
	for _, tc := range []struct{ name, event string }{
		{"array", `[{"source":"aws.s3"}]`},
		{"string", `"aws.s3"`},
		{"null", `null`},
		{"broken", `{"source":`},
		{"empty", ``},
		{"trailing data", `{"source":"aws.s3"} {}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Match([]byte(tc.event))
			if !errors.Is(err, ErrEventNotObject) || got {
				t.Errorf("Match(%q) got (%v, %v), want (false, ErrEventNotObject)", tc.event, got, err)
			}
		})
	}
}

func TestMatchValueGoNumbers(t *testing.T) {
	p := MustCompile(`{"size":[{"numeric":[">",1024]}],"n":[3]}`)
	for _, tc := range []struct {
		name  string
		event map[string]any
		want  bool
	}{
		{"int", map[string]any{"size": 2048, "n": 3}, true},
		{"int64 and uint8", map[string]any{"size": int64(2048), "n": uint8(3)}, true},
		{"float32", map[string]any{"size": float32(1024.5), "n": 3.0}, true},
		{"json.Number", map[string]any{"size": json.Number("2e3"), "n": json.Number("3.0")}, true},
		{"too small", map[string]any{"size": 1024, "n": 3}, false},
		{"string size", map[string]any{"size": "2048", "n": 3}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.MatchValue(tc.event); got != tc.want {
				t.Errorf("MatchValue(%v) got %v, want %v", tc.event, got, tc.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pattern  string
		wantErr  error
		wantPath string
	}{
		{"not json", `{"source":`, ErrSyntax, ""},
		{"trailing data", `{"source":["a"]} x`, ErrSyntax, ""},
		{"not an object", `["aws.s3"]`, ErrWrongType, ""},
		{"empty pattern", `{}`, ErrEmpty, ""},
		{"empty nested object", `{"detail":{}}`, ErrEmpty, "detail"},
		{"scalar field", `{"source":"aws.s3"}`, ErrWrongType, "source"},
		{"empty value list", `{"source":[]}`, ErrEmpty, "source"},
		{"nested array value", `{"source":[["aws.s3"]]}`, ErrWrongType, "source[0]"},
		{"unknown operator", `{"detail":{"key":[{"prefx":"uploads/"}]}}`, ErrUnknownOperator, "detail.key[0].prefx"},
		{"two keys in operator", `{"key":[{"prefix":"a","suffix":"b"}]}`, ErrBadValue, "key[0]"},
		{"empty operator", `{"key":[{}]}`, ErrBadValue, "key[0]"},
		{"prefix number", `{"key":[{"prefix":5}]}`, ErrWrongType, "key[0].prefix"},
		{"prefix unknown option", `{"key":[{"prefix":{"ignore-case":"a"}}]}`, ErrUnknownOperator, "key[0].prefix.ignore-case"},
		{"suffix ignore case number", `{"key":[{"suffix":{"equals-ignore-case":1}}]}`, ErrWrongType, "key[0].suffix.equals-ignore-case"},
		{"equals-ignore-case list", `{"key":[{"equals-ignore-case":["a"]}]}`, ErrWrongType, "key[0].equals-ignore-case"},
		{"exists string", `{"key":[{"exists":"true"}]}`, ErrWrongType, "key[0].exists"},
		{"cidr no mask", `{"ip":[{"cidr":"10.0.0.1"}]}`, ErrBadValue, "ip[0].cidr"},
		{"cidr ipv4 /32", `{"ip":[{"cidr":"10.0.0.1/32"}]}`, ErrBadValue, "ip[0].cidr"},
		{"cidr bad address", `{"ip":[{"cidr":"10.0.0/8"}]}`, ErrBadValue, "ip[0].cidr"},
		{"cidr number", `{"ip":[{"cidr":10}]}`, ErrWrongType, "ip[0].cidr"},
		{"wildcard consecutive stars", `{"f":[{"wildcard":"a**b"}]}`, ErrBadValue, "f[0].wildcard"},
		{"wildcard bad escape", `{"f":[{"wildcard":"a\\b"}]}`, ErrBadValue, "f[0].wildcard"},
		{"wildcard trailing backslash", `{"f":[{"wildcard":"a\\"}]}`, ErrBadValue, "f[0].wildcard"},
		{"anything-but empty list", `{"s":[{"anything-but":[]}]}`, ErrEmpty, "s[0].anything-but"},
		{"anything-but mixed list", `{"s":[{"anything-but":["a",1]}]}`, ErrWrongType, "s[0].anything-but"},
		{"anything-but null", `{"s":[{"anything-but":null}]}`, ErrWrongType, "s[0].anything-but"},
		{"anything-but bool in list", `{"s":[{"anything-but":[true]}]}`, ErrWrongType, "s[0].anything-but[0]"},
		{"anything-but numeric", `{"s":[{"anything-but":{"numeric":[">",1]}}]}`, ErrUnknownOperator, "s[0].anything-but.numeric"},
		{"anything-but empty prefix", `{"s":[{"anything-but":{"prefix":""}}]}`, ErrEmpty, "s[0].anything-but.prefix"},
		{"anything-but suffix number", `{"s":[{"anything-but":{"suffix":5}}]}`, ErrWrongType, "s[0].anything-but.suffix"},
		{"anything-but prefix list with empty", `{"s":[{"anything-but":{"prefix":["us-",""]}}]}`, ErrEmpty, "s[0].anything-but.prefix[1]"},
		{"anything-but bad wildcard in list", `{"s":[{"anything-but":{"wildcard":["*a","b**"]}}]}`, ErrBadValue, "s[0].anything-but.wildcard[1]"},
		{"numeric not array", `{"n":[{"numeric":5}]}`, ErrWrongType, "n[0].numeric"},
		{"numeric unknown operator", `{"n":[{"numeric":["!=",5]}]}`, ErrUnknownOperator, "n[0].numeric[0]"},
		{"numeric value is string", `{"n":[{"numeric":[">","5"]}]}`, ErrWrongType, "n[0].numeric[1]"},
		{"numeric three elements", `{"n":[{"numeric":[">",0,"<"]}]}`, ErrBadNumericRange, "n[0].numeric"},
		{"numeric upper before lower", `{"n":[{"numeric":["<",10,">",0]}]}`, ErrBadNumericRange, "n[0].numeric[0]"},
		{"numeric two lower bounds", `{"n":[{"numeric":[">",0,">=",5]}]}`, ErrBadNumericRange, "n[0].numeric[2]"},
		{"numeric equals in range", `{"n":[{"numeric":[">",0,"=",5]}]}`, ErrBadNumericRange, "n[0].numeric[2]"},
		{"numeric empty range", `{"n":[{"numeric":[">",10,"<",5]}]}`, ErrBadNumericRange, "n[0].numeric"},
		{"numeric equal bounds", `{"n":[{"numeric":[">=",5,"<=",5]}]}`, ErrBadNumericRange, "n[0].numeric"},
		{"numeric out of range", `{"n":[{"numeric":[">",6e11]}]}`, ErrBadNumericRange, "n[0].numeric[1]"},
		{"numeric 7 decimals", `{"n":[{"numeric":["=",1.0000001]}]}`, ErrBadNumericRange, "n[0].numeric[1]"},
		{"anything-but number out of range", `{"n":[{"anything-but":6e11}]}`, ErrBadValue, "n[0].anything-but"},
		{"anything-but list number 7 decimals", `{"n":[{"anything-but":[1,0.0000001]}]}`, ErrBadValue, "n[0].anything-but[1]"},
		{"or not array", `{"$or":{"a":["x"]}}`, ErrWrongType, "$or"},
		{"or one branch", `{"$or":[{"a":["x"]}]}`, ErrEmpty, "$or"},
		{"or scalar branch", `{"$or":[{"a":["x"]},"b"]}`, ErrWrongType, "$or[1]"},
		{"or operator as field", `{"$or":[{"a":["x"]},{"prefix":["b"]}]}`, ErrWrongType, "$or[1].prefix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile([]byte(tc.pattern))
			if err == nil {
				t.Fatalf("Compile(%s) got %v, want an error", tc.pattern, p)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Compile(%s) got error %v, want errors.Is %v", tc.pattern, err, tc.wantErr)
			}
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("Compile(%s) got error type %T, want *PatternError", tc.pattern, err)
			}
			if pe.Path != tc.wantPath {
				t.Errorf("Compile(%s) got path %q, want %q (%v)", tc.pattern, pe.Path, tc.wantPath, err)
			}
		})
	}
}

func TestCompileAcceptsDocPatterns(t *testing.T) {
	// Operator-table entries whose events the page does not give: they must
	// at least compile.
	for _, pattern := range []string{
		`{"x-limit":[{"numeric":["=",3.018e2]}]}`,
		`{"n":[{"numeric":[">=",-5e11,"<=",5e11]}]}`,
		`{"n":[{"numeric":[">",0.000001,"<",1.1e-5]}]}`,
		`{"ip":[{"cidr":"::/0"}]}`,
		`{"a":[{"prefix":""}]}`,
		`{"b":["x"],"c":{"$or":[{"d":[1]},{"e":[{"exists":false}]}]}}`,
	} {
		if _, err := Compile([]byte(pattern)); err != nil {
			t.Errorf("Compile(%s) got %v, want nil", pattern, err)
		}
	}
}

func TestPatternString(t *testing.T) {
	if got := MustCompile(s3Pattern).String(); got != s3Pattern {
		t.Errorf("String() got %s, want %s", got, s3Pattern)
	}
}

func BenchmarkMatchS3Pattern(b *testing.B) {
	p := MustCompile(s3Pattern)
	event := []byte(s3Event)
	b.SetBytes(int64(len(event)))
	b.ReportAllocs()
	for b.Loop() {
		ok, err := p.Match(event)
		if err != nil || !ok {
			b.Fatalf("Match got (%v, %v), want (true, nil)", ok, err)
		}
	}
}

func BenchmarkMatchValueS3Pattern(b *testing.B) {
	p := MustCompile(s3Pattern)
	m, err := decodeEvent([]byte(s3Event))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !p.MatchValue(m) {
			b.Fatal("MatchValue got false, want true")
		}
	}
}
