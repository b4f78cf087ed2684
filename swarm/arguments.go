package swarm

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// checkRequired checks the model's arguments against the required properties of f's schema,
// nested objects and array items included, and names the first one missing. Arguments that
// are not a JSON object are left to the function, whose decoding reports them.
func checkRequired(f Function, args string) error {
	if a := strings.TrimSpace(args); a == "" || a == "null" {
		args = "{}" // as NewFunction decodes them
	}
	if !gjson.Valid(args) {
		return nil
	}
	v := gjson.Parse(args)
	if !v.IsObject() {
		return nil
	}
	if path := missingRequired(hideContextVariables(f.Parameters()), v, ""); path != "" {
		return fmt.Errorf("missing required argument %q for %s", path, f.Name())
	}
	return nil
}

// missingRequired returns the path of the first required property the value lacks, "" when
// none is missing.
func missingRequired(schema map[string]any, v gjson.Result, path string) string {
	switch {
	case v.IsObject():
		for _, name := range requiredNames(schema) {
			if !v.Get(gjson.Escape(name)).Exists() {
				return join(path, name)
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(props)) {
			ps, _ := props[name].(map[string]any)
			if sub := v.Get(gjson.Escape(name)); ps != nil && sub.Exists() {
				if m := missingRequired(ps, sub, join(path, name)); m != "" {
					return m
				}
			}
		}
	case v.IsArray():
		items, _ := schema["items"].(map[string]any)
		if items == nil {
			return ""
		}
		i := 0
		missing := ""
		v.ForEach(func(_, item gjson.Result) bool {
			missing = missingRequired(items, item, path+"["+strconv.Itoa(i)+"]")
			i++
			return missing == ""
		})
		return missing
	}
	return ""
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
