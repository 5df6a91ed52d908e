//! `geopoint` and `geojson` cells.

use serde_json::{Map, Value as Json};

use super::number::{py_decimal, py_strip};

/// The three `geopoint` formats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum GeoPointFormat {
    /// `"lon, lat"`
    Default,
    /// `[lon, lat]`
    Array,
    /// `{"lon": .., "lat": ..}`
    Object,
    /// A format frictionless does not know: every cell fails, as there.
    Unknown,
}

/// Python's `Decimal(x)` of a JSON value (booleans are 0 and 1 there).
fn json_decimal(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => py_decimal(s),
        Json::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// frictionless' unpacking of a JSON value into two parts: a list of two,
/// the two keys of an object, the two characters of a string.
fn two_parts(v: &Json) -> Option<(Json, Json)> {
    match v {
        Json::Array(items) if items.len() == 2 => Some((items[0].clone(), items[1].clone())),
        Json::Object(map) if map.len() == 2 => {
            let mut keys = map.keys().map(|k| Json::String(k.clone()));
            Some((keys.next()?, keys.next()?))
        }
        Json::String(s) if s.chars().count() == 2 => {
            let mut chars = s.chars().map(|c| Json::String(c.to_string()));
            Some((chars.next()?, chars.next()?))
        }
        _ => None,
    }
}

/// Reads a geopoint cell: `(lon, lat)` within ±180 and ±90.
pub(crate) fn cast_geopoint(cell: &str, format: GeoPointFormat) -> Option<(f64, f64)> {
    let (lon, lat) = match format {
        GeoPointFormat::Default => {
            let (lon, lat) = cell.split_once(',')?;
            if lat.contains(',') {
                return None;
            }
            (py_decimal(py_strip(lon))?, py_decimal(py_strip(lat))?)
        }
        GeoPointFormat::Array => {
            let v: Json = serde_json::from_str(cell).ok()?;
            let (lon, lat) = two_parts(&v)?;
            (json_decimal(&lon)?, json_decimal(&lat)?)
        }
        GeoPointFormat::Object => {
            let v: Json = serde_json::from_str(cell).ok()?;
            let map = v.as_object().filter(|m| m.len() == 2)?;
            (
                json_decimal(map.get("lon")?)?,
                json_decimal(map.get("lat")?)?,
            )
        }
        GeoPointFormat::Unknown => return None,
    };
    geopoint_in_range(lon, lat)
}

/// The range check (NaN fails it: Python's Decimal comparison raises).
pub(crate) fn geopoint_in_range(lon: f64, lat: f64) -> Option<(f64, f64)> {
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then_some((lon, lat))
}

/// A geopoint given as JSON (a `[lon, lat]` pair, as in an `enum`), or as a
/// string in the field's format.
pub(crate) fn json_geopoint(v: &Json, format: GeoPointFormat) -> Option<(f64, f64)> {
    match v {
        Json::String(s) => cast_geopoint(s, format),
        Json::Array(items) if items.len() == 2 => {
            let num = |v: &Json| match v {
                Json::Number(n) => n.as_f64(),
                _ => None,
            };
            geopoint_in_range(num(&items[0])?, num(&items[1])?)
        }
        _ => None,
    }
}

/// `geojson` formats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum GeoJsonFormat {
    /// Checked against the GeoJSON profile frictionless ships.
    Default,
    /// Checked against its TopoJSON profile.
    TopoJson,
    /// Any other format: any JSON object.
    Unchecked,
}

/// Whether a JSON object is valid for the format, as frictionless' JSON
/// Schema profiles (draft 4) decide.
pub(crate) fn is_geojson(v: &Json, format: GeoJsonFormat) -> bool {
    let Some(obj) = v.as_object() else {
        return false;
    };
    match format {
        GeoJsonFormat::Unchecked => true,
        GeoJsonFormat::Default => geojson::top(obj),
        GeoJsonFormat::TopoJson => topojson::top(obj),
    }
}

/// JSON Schema `number`: any JSON number (booleans are not numbers).
fn is_number(v: &Json) -> bool {
    v.is_number()
}

/// JSON Schema (draft 4) `integer`: integers only, `1.0` is not one.
fn is_integer(v: &Json) -> bool {
    v.is_i64() || v.is_u64()
}

type Check = dyn Fn(&Json) -> bool;

fn array_of(v: &Json, item: impl Fn(&Json) -> bool) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(item))
}

/// `properties.type` must equal `name` when present.
fn type_is(obj: &Map<String, Json>, name: &str) -> bool {
    obj.get("type").is_none_or(|t| t.as_str() == Some(name))
}

mod geojson {
    use super::*;

    pub(super) fn top(obj: &Map<String, Json>) -> bool {
        if !obj.contains_key("type") {
            return false;
        }
        if obj.get("crs").is_some_and(|c| !crs(c))
            || obj.get("bbox").is_some_and(|b| !array_of(b, is_number))
        {
            return false;
        }
        // `oneOf`: exactly one of the four shapes.
        let matches = [
            geometry(&Json::Object(obj.clone())),
            geometry_collection(obj),
            feature(&Json::Object(obj.clone())),
            feature_collection(obj),
        ];
        matches.iter().filter(|m| **m).count() == 1
    }

    /// A position: exactly two numbers.
    fn position(v: &Json) -> bool {
        v.as_array()
            .is_some_and(|a| a.len() == 2 && a.iter().all(is_number))
    }

    fn positions(v: &Json, min: usize) -> bool {
        v.as_array()
            .is_some_and(|a| a.len() >= min && a.iter().all(position))
    }

    fn polygon(v: &Json) -> bool {
        array_of(v, |ring| positions(ring, 4))
    }

    pub(super) fn geometry(v: &Json) -> bool {
        let Some(obj) = v.as_object() else {
            return false;
        };
        let Some(coords) = obj.get("coordinates") else {
            return false;
        };
        if !obj.contains_key("type") {
            return false;
        }
        let kinds: [(&str, &Check); 6] = [
            ("Point", &position),
            ("MultiPoint", &|c| positions(c, 0)),
            ("LineString", &|c| positions(c, 2)),
            ("MultiLineString", &|c| array_of(c, |l| positions(l, 2))),
            ("Polygon", &polygon),
            ("MultiPolygon", &|c| array_of(c, polygon)),
        ];
        kinds
            .iter()
            .filter(|(name, check)| type_is(obj, name) && check(coords))
            .count()
            == 1
    }

    fn geometry_collection(obj: &Map<String, Json>) -> bool {
        type_is(obj, "GeometryCollection")
            && obj.get("geometries").is_some_and(|g| array_of(g, geometry))
    }

    /// A feature; like the schema, a non-object passes (draft 4 `required`
    /// and `properties` only apply to objects).
    fn feature(v: &Json) -> bool {
        let Some(obj) = v.as_object() else {
            return true;
        };
        let (Some(geom), Some(props)) = (obj.get("geometry"), obj.get("properties")) else {
            return false;
        };
        // `oneOf [null, geometry]`: a null geometry is never also a geometry.
        type_is(obj, "Feature")
            && (geom.is_null() || geometry(geom))
            && (props.is_object() || props.is_null())
    }

    fn feature_collection(obj: &Map<String, Json>) -> bool {
        type_is(obj, "FeatureCollection")
            && obj.get("features").is_some_and(|f| array_of(f, feature))
    }

    /// `crs`: an object with exactly `type` and `properties`, named
    /// (`{"name": string}`) or linked (`{"href": string, "type"?: string}`).
    fn crs(v: &Json) -> bool {
        // `null` passes the type check but matches both `oneOf` branches.
        let Some(obj) = v.as_object() else {
            return false;
        };
        let (Some(t), Some(props)) = (obj.get("type"), obj.get("properties")) else {
            return false;
        };
        if obj.len() != 2 || !t.is_string() {
            return false;
        }
        let Some(p) = props.as_object() else {
            return false;
        };
        let named = t == "name" && p.len() == 1 && p.get("name").is_some_and(Json::is_string);
        let linked = t == "link"
            && p.get("href").is_some_and(Json::is_string)
            && p.get("type").is_none_or(Json::is_string);
        named != linked
    }
}

mod topojson {
    use super::*;

    pub(super) fn top(obj: &Map<String, Json>) -> bool {
        if !obj.contains_key("type") || obj.get("bbox").is_some_and(|b| !bbox(b)) {
            return false;
        }
        let v = Json::Object(obj.clone());
        usize::from(topology(obj)) + usize::from(geometry(&v)) == 1
    }

    fn bbox(v: &Json) -> bool {
        v.as_array()
            .is_some_and(|a| a.len() == 2 && a.iter().all(|d| array_of(d, is_number)))
    }

    fn position(v: &Json) -> bool {
        v.as_array()
            .is_some_and(|a| a.len() >= 2 && a.iter().all(is_number))
    }

    fn ints(v: &Json, depth: usize) -> bool {
        if depth == 0 {
            is_integer(v)
        } else {
            array_of(v, |x| ints(x, depth - 1))
        }
    }

    fn geometry(v: &Json) -> bool {
        let Some(obj) = v.as_object() else {
            return false;
        };
        if !obj.contains_key("type") {
            return false;
        }
        if obj
            .get("id")
            .is_some_and(|id| !(id.is_string() || is_integer(id)))
            || obj.get("properties").is_some_and(|p| !p.is_object())
        {
            return false;
        }
        let has = |k: &str| obj.contains_key(k);
        let field = |k: &str, check: &dyn Fn(&Json) -> bool| obj.get(k).is_none_or(check);
        let kinds: [bool; 7] = [
            type_is(obj, "Point") && has("coordinates") && field("coordinates", &position),
            type_is(obj, "MultiPoint")
                && has("coordinates")
                && field("coordinates", &|c| array_of(c, position)),
            type_is(obj, "LineString") && has("arcs") && field("arcs", &|a| ints(a, 1)),
            type_is(obj, "MultiLineString") && has("arcs") && field("arcs", &|a| ints(a, 2)),
            type_is(obj, "Polygon") && has("arcs") && field("arcs", &|a| ints(a, 2)),
            type_is(obj, "MultiPolygon") && has("arcs") && field("arcs", &|a| ints(a, 3)),
            type_is(obj, "GeometryCollection")
                && has("geometries")
                && field("geometries", &|g| array_of(g, geometry)),
        ];
        kinds.iter().filter(|k| **k).count() == 1
    }

    fn topology(obj: &Map<String, Json>) -> bool {
        let (Some(objects), Some(arcs)) = (obj.get("objects"), obj.get("arcs")) else {
            return false;
        };
        let arcs_ok = array_of(arcs, |arc| {
            arc.as_array()
                .is_some_and(|a| a.len() >= 2 && a.iter().all(|p| p.is_null() || position(p)))
        });
        let transform_ok = obj.get("transform").is_none_or(|t| {
            t.as_object().is_some_and(|t| {
                let pair = |k: &str| {
                    t.get(k).is_some_and(|v| {
                        v.as_array()
                            .is_some_and(|a| a.len() >= 2 && a.iter().all(is_number))
                    })
                };
                pair("scale") && pair("translate")
            })
        });
        type_is(obj, "Topology")
            && objects
                .as_object()
                .is_some_and(|o| o.values().all(geometry))
            && arcs_ok
            && transform_ok
            && obj.get("bbox").is_none_or(bbox)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Verified with frictionless-py 5.21.
    #[test]
    fn geopoints() {
        use GeoPointFormat::*;
        for (cell, format, want) in [
            ("180,90", Default, Some((180.0, 90.0))),
            ("180, -90", Default, Some((180.0, -90.0))),
            (" 1 , 2 ", Default, Some((1.0, 2.0))),
            ("1_0,2", Default, Some((10.0, 2.0))),
            ("+1,-2", Default, Some((1.0, -2.0))),
            ("1e1,2", Default, Some((10.0, 2.0))),
            ("١,٢", Default, Some((1.0, 2.0))),
            ("1,2,3", Default, None),
            ("nan,1", Default, None),
            ("inf,1", Default, None),
            (",1", Default, None),
            ("181,90", Default, None),
            ("0,91", Default, None),
            ("string", Default, None),
            ("3.14", Default, None),
            ("[180, -90]", Array, Some((180.0, -90.0))),
            ("[\"1\",\"2\"]", Array, Some((1.0, 2.0))),
            ("[true,false]", Array, Some((1.0, 0.0))),
            ("[1.5, -2.5]", Array, Some((1.5, -2.5))),
            ("{\"a\":1,\"b\":2}", Array, None),
            ("\"ab\"", Array, None),
            ("\"12\"", Array, Some((1.0, 2.0))),
            ("[1,2,3]", Array, None),
            ("[NaN,1]", Array, None),
            ("[null,1]", Array, None),
            ("180,90", Array, None),
            ("{\"lon\": 180, \"lat\": 90}", Object, Some((180.0, 90.0))),
            ("{\"lat\":2,\"lon\":1}", Object, Some((1.0, 2.0))),
            ("{\"lon\":\"1\",\"lat\":2}", Object, Some((1.0, 2.0))),
            ("{\"lon\":true,\"lat\":2}", Object, Some((1.0, 2.0))),
            ("{\"lon\":1,\"lat\":2,\"x\":3}", Object, None),
            ("{\"lon\":181,\"lat\":2}", Object, None),
            ("[180, -90]", Object, None),
            ("180,90", Object, None),
            ("1,2", Unknown, None),
        ] {
            assert_eq!(cast_geopoint(cell, format), want, "{cell:?} {format:?}");
        }
    }

    // Verified with frictionless-py 5.21 (its own test table plus the
    // profile's rules).
    #[test]
    fn geojson_profile() {
        use GeoJsonFormat::*;
        for (v, want) in [
            (
                json!({"properties": {"Ã": "Ã"}, "type": "Feature", "geometry": null}),
                true,
            ),
            (json!({"type": "Point", "coordinates": [0, 0]}), true),
            (json!({"type": "Point", "coordinates": [0, 0, 0]}), false),
            (
                json!({"type": "LineString", "coordinates": [[0, 0]]}),
                false,
            ),
            (
                json!({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
                true,
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 0]]]}),
                true,
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}),
                false,
            ),
            (json!({"type": "FeatureCollection", "features": []}), true),
            (
                json!({"type": "FeatureCollection", "features": [{"type": "Feature"}]}),
                false,
            ),
            (
                json!({"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1, 2]}]}),
                true,
            ),
            (json!({"type": "Circle", "coordinates": [0, 0]}), false),
            (
                json!({"type": "Point", "coordinates": [0, 0], "crs": null}),
                false,
            ),
            (
                json!({"type": "Point", "coordinates": [0, 0], "crs": {"type": "name", "properties": {"name": "x"}}}),
                true,
            ),
            (
                json!({"type": "Point", "coordinates": [0, 0], "bbox": [1, "a"]}),
                false,
            ),
            (json!({}), false),
            (json!([1]), false),
        ] {
            assert_eq!(is_geojson(&v, Default), want, "{v}");
        }
        assert!(is_geojson(
            &json!({"type": "LineString", "arcs": [42]}),
            TopoJson
        ));
        assert!(!is_geojson(
            &json!({"type": "LineString", "arcs": [4.2]}),
            TopoJson
        ));
        assert!(is_geojson(
            &json!({"type": "Topology", "objects": {"a": {"type": "Point", "coordinates": [1, 2]}}, "arcs": [[[0, 0], null]]}),
            TopoJson
        ));
        assert!(!is_geojson(&json!({"arcs": [42]}), TopoJson));
        assert!(is_geojson(&json!({"anything": 1}), Unchecked));
        assert!(!is_geojson(&json!("x"), Unchecked));
    }
}
