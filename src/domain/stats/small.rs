//! The small-cell rule of statistics offices: a count under 5 is not
//! shown as it is but as "<5", so no household can be recognised in a
//! small municipality; a share or a median over fewer than 5 is not shown.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};

/// Below this a count is shown as "<5".
pub const SMALLEST_SHOWN: u32 = 5;

/// A count as it may be published: the number from 5 up, else "<5".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count(u32);

/// In the OpenAPI document: an integer from 5, or the string "<5".
impl utoipa::PartialSchema for Count {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::Integer))
                    .minimum(Some(f64::from(SMALLEST_SHOWN))),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .enum_values(Some(["<5"])),
            )
            .description(Some("a count; under 5 it reads \"<5\""))
            .into()
    }
}

impl utoipa::ToSchema for Count {}

impl Count {
    pub fn of(n: u32) -> Count {
        Count(n)
    }

    /// The number, when it may be shown.
    pub fn shown(self) -> Option<u32> {
        (self.0 >= SMALLEST_SHOWN).then_some(self.0)
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.shown() {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("<5"),
        }
    }
}

/// On the wire a number, or the text "<5".
impl Serialize for Count {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.shown() {
            Some(n) => serializer.serialize_u32(n),
            None => serializer.serialize_str("<5"),
        }
    }
}

/// Read back (by the desk): a number, or "<5", which stays "<5".
impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Number(u32),
            Text(String),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Number(n) => Ok(Count(n)),
            Wire::Text(text) if text == "<5" => Ok(Count(0)),
            Wire::Text(text) => Err(serde::de::Error::custom(format!(
                "a count is a number or \"<5\", not {text:?}"
            ))),
        }
    }
}

/// `part` of `whole` as a percentage with one decimal, only when both
/// the part and the whole may be shown (a share of 3 out of 40 would show
/// the 3).
pub fn share(part: u32, whole: u32) -> Option<f64> {
    (part >= SMALLEST_SHOWN && whole >= SMALLEST_SHOWN)
        .then(|| (1000.0 * f64::from(part) / f64::from(whole)).round() / 10.0)
}

/// The median of `values`, only over 5 or more.
pub fn median(values: &mut [i32]) -> Option<f64> {
    if values.len() < SMALLEST_SHOWN as usize {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        f64::from(values[mid - 1] + values[mid]) / 2.0
    } else {
        f64::from(values[mid])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_under_five_reads_less_than_five_on_the_wire_and_on_screen() {
        for n in [0, 1, 4] {
            assert_eq!(serde_json::to_value(Count::of(n)).unwrap(), "<5");
            assert_eq!(Count::of(n).to_string(), "<5");
        }
        assert_eq!(serde_json::to_value(Count::of(5)).unwrap(), 5);
        assert_eq!(Count::of(12).to_string(), "12");
        // Read back, a hidden count stays hidden.
        let back: Count = serde_json::from_value(serde_json::json!("<5")).unwrap();
        assert_eq!(back.to_string(), "<5");
        let back: Count = serde_json::from_value(serde_json::json!(7)).unwrap();
        assert_eq!(back.shown(), Some(7));
    }

    #[test]
    fn a_share_or_median_over_too_few_is_not_shown() {
        assert_eq!(share(3, 40), None, "the part would show 3");
        assert_eq!(share(4, 4), None);
        assert_eq!(share(5, 8), Some(62.5));
        assert_eq!(median(&mut [1, 2, 3, 4]), None);
        assert_eq!(median(&mut [3, 1, 2, 0, 1]), Some(1.0));
        assert_eq!(median(&mut [2, 1, 0, 1, 3, 2]), Some(1.5));
    }
}
