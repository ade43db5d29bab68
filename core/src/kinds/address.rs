//! The standard address (标准地址) of a household or place: community → compound → building →
//! unit → floor → room, plus free text for addresses that do not fit (villages, shop fronts).

use serde::{Deserialize, Serialize};

use crate::error::Invalid;
use crate::validate;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub community: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub compound: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub building: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub floor: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub room: String,
    /// Free text: the whole address when it has no standard parts, or a note beside them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

impl Address {
    pub fn prepare(&mut self, field: &str) -> Result<(), Invalid> {
        for (name, part) in [
            ("community", &mut self.community),
            ("compound", &mut self.compound),
            ("building", &mut self.building),
            ("unit", &mut self.unit),
            ("floor", &mut self.floor),
            ("room", &mut self.room),
        ] {
            *part = validate::text(&format!("{field}.{name}"), part, 40)?;
        }
        self.text = validate::text(&format!("{field}.text"), &self.text, 200)?;
        let standard = !self.building.is_empty() && !self.room.is_empty();
        if !standard && self.text.is_empty() {
            return Err(Invalid::new(
                field,
                "needs a building and room, or a free-text address",
            ));
        }
        Ok(())
    }

    /// One line as a worker would say it: 幸福里小区 3栋 2单元 501.
    pub fn one_line(&self) -> String {
        let parts = [
            &self.community,
            &self.compound,
            &self.building,
            &self.unit,
            &self.room,
            &self.text,
        ];
        parts
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
