//! Masking of ID and phone numbers for lists and displays (PIPL: show no more than the task
//! needs). Full values only when the caller asks for them explicitly.

/// `110105********002X`: region code and last four stay, so a worker can still tell two
/// residents apart and match a card in hand.
pub fn id_number(value: &str) -> String {
    keep_ends(value, 6, 4)
}

/// `138****5678`, the form every Chinese app uses.
pub fn phone(value: &str) -> String {
    if let Some((area, local)) = value.split_once('-') {
        return format!("{area}-{}", keep_ends(local, 0, 4));
    }
    keep_ends(value, 3, 4)
}

fn keep_ends(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= chars.len() - tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_the_middle() {
        assert_eq!(super::id_number("11010519491231002X"), "110105********002X");
        assert_eq!(super::phone("13812345678"), "138****5678");
        assert_eq!(super::phone("021-63211234"), "021-****1234");
        assert_eq!(super::phone("123"), "***");
    }
}
