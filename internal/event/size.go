package event

import (
	"reflect"
	"time"
)

// timeType is skipped: a Time's location is shared, not held by the model.
var timeType = reflect.TypeFor[time.Time]()

// sizeOf estimates the bytes d holds: every struct, slice backing array,
// string and map it reaches, walked once per envelope when it is decoded.
// The buffer counts this against its byte bound, so the parsed form is
// bounded like the raw envelope. Strings and slices shared between records
// (an envelope's SDK name, say) are counted each time they are reached:
// an over- rather than an under-estimate.
func sizeOf(d *Decoded) int64 {
	v := reflect.ValueOf(d).Elem()
	return int64(v.Type().Size()) + deepSize(v)
}

// deepSize is what v references beyond its own (already counted) bytes.
func deepSize(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len())
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + deepSize(e)
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + deepSize(e)
	case reflect.Slice:
		if v.IsNil() {
			return 0
		}
		n := int64(v.Cap()) * int64(v.Type().Elem().Size())
		if hasPointers(v.Type().Elem()) {
			for i := 0; i < v.Len(); i++ {
				n += deepSize(v.Index(i))
			}
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return 0
		}
		// Buckets: key and value plus about a word of overhead per entry.
		kt, vt := v.Type().Key(), v.Type().Elem()
		n := int64(v.Len()) * (int64(kt.Size()) + int64(vt.Size()) + 8)
		it := v.MapRange()
		for it.Next() {
			n += deepSize(it.Key()) + deepSize(it.Value())
		}
		return n
	case reflect.Struct:
		if v.Type() == timeType {
			return 0
		}
		var n int64
		for i := 0; i < v.NumField(); i++ {
			n += deepSize(v.Field(i))
		}
		return n
	case reflect.Array:
		var n int64
		for i := 0; i < v.Len(); i++ {
			n += deepSize(v.Index(i))
		}
		return n
	}
	return 0
}

// hasPointers reports whether values of t can reference more memory.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return hasPointers(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}
