//! The grid a new record goes into when the worker did not name one.
//!
//! A worker enrolled for a single grid should never have to type it: the grid chosen on this
//! device (`gk init --grid`, or a setting in an app) wins, else the only grid the enrolment put
//! in reach. With several grids in reach and none chosen there is no default — guessing would
//! file a household under a neighbour's grid, where its own worker would never see it.

use crate::{Result, Store};

/// Meta key of the grid chosen on this device.
pub const DEFAULT_GRID_KEY: &str = "default_grid";
/// Meta key of the grids in reach, comma-separated, written by enrolment.
use super::engine::K_GRIDS as GRIDS_KEY;

impl Store {
    /// The grid a record is created in when none is given: the one chosen on this device if
    /// any, else the only grid in reach if there is exactly one, else `None`.
    pub fn default_grid(&self) -> Result<Option<String>> {
        if let Some(chosen) = self
            .meta(DEFAULT_GRID_KEY)?
            .filter(|g| !g.trim().is_empty())
        {
            return Ok(Some(chosen));
        }
        let mut grids = self.grids_in_reach()?;
        Ok(if grids.len() == 1 { grids.pop() } else { None })
    }

    /// The grids this device's enrolment put in reach (empty before enrolment).
    pub fn grids_in_reach(&self) -> Result<Vec<String>> {
        Ok(self
            .meta(GRIDS_KEY)?
            .map(|text| {
                text.split(',')
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &tempfile::TempDir) -> Store {
        Store::init(dir.path().join("d.db"), None).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn one_grid_in_reach_is_the_default_and_two_are_not() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut s = store(&dir);
        assert_eq!(
            s.default_grid().ok(),
            Some(None),
            "nothing enrolled, nothing chosen"
        );
        s.set_meta(GRIDS_KEY, "grid-7")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.default_grid().ok(), Some(Some("grid-7".to_string())));
        s.set_meta(GRIDS_KEY, "grid-7,grid-8")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.default_grid().ok(), Some(None));
        assert_eq!(
            s.grids_in_reach().ok(),
            Some(vec!["grid-7".to_string(), "grid-8".to_string()])
        );
        s.set_meta(DEFAULT_GRID_KEY, "grid-8")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.default_grid().ok(),
            Some(Some("grid-8".to_string())),
            "a grid chosen on the device wins over the grids in reach"
        );
    }
}
