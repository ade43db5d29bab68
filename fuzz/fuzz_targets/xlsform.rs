//! An administrator's XLSForm upload, any bytes as a workbook: zip bombs, huge shared-string
//! tables, deep or broken XML. The importer answers with a template and its report, or an
//! error naming what was wrong; nothing may panic.
#![no_main]

use gridkeeper_core::checklist::xlsform;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    // The importer catches the spreadsheet reader's panics on damaged files (calamine's,
    // found here); a panic it does not catch still aborts.
    init: gridkeeper_fuzz::panics_as_the_product_sees_them(),
    |data: &[u8]| {
        if let Ok(report) = xlsform::import(data, "fuzz_form", 1) {
            // What the importer accepts is a template the app can check inspections against.
            assert!(
                report.template.validate().is_ok(),
                "an imported template is valid"
            );
        }
    }
);
