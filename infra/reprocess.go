package main

import "github.com/imgprep/imgprep/statemachine"

// reprocessDefinition is the bulk workflow's ASL. A function so that a
// build without a bulk definition (nil) leaves the bulk machine out.
func reprocessDefinition() []byte { return statemachine.Reprocess }
