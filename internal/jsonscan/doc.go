// Package jsonscan reads JSON text in place: it validates it and walks
// objects and arrays, handing out the raw text of members and elements as
// substrings, so hot paths can pick the few fields they need from streamed
// chat chunks, response heads or message lists without encoding/json's
// reflection and allocations.
//
// Its answers match encoding/json's: [Valid] agrees with json.Valid,
// [Unquote] with decoding into a string, [AppendCompact] with json.Compact,
// and [Object] sees the members json.Unmarshal would put in a
// map[string]json.RawMessage (in order, duplicates included). Nothing
// allocates on success paths except strings that need decoding (escapes or
// invalid UTF-8) in [Unquote] and in object keys, and appending beyond a
// destination's capacity.
//
// Picking fields from a streamed chunk:
//
//	var content, finish string
//	err := jsonscan.Object(chunk, func(key, value string) bool {
//		if key != "choices" {
//			return true
//		}
//		return jsonscan.Array(value, func(choice string) bool {
//			jsonscan.Object(choice, func(key, value string) bool {
//				switch key {
//				case "delta":
//					jsonscan.Object(value, func(key, value string) bool {
//						if key == "content" && jsonscan.KindOf(value) == jsonscan.KindString {
//							content, _ = jsonscan.Unquote(value)
//						}
//						return true
//					})
//				case "finish_reason":
//					finish, _ = jsonscan.Unquote(value) // error for null
//				}
//				return true
//			})
//			return false // first choice only
//		}) == nil
//	})
package jsonscan
