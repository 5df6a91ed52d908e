//! dateutil's `_timelex`: how the `any` formats cut a cell into tokens.

use super::number::{is_py_space, nd_digit};

pub(crate) fn is_word(c: char) -> bool {
    c.is_alphabetic()
}

pub(crate) fn is_num(c: char) -> bool {
    nd_digit(c).is_some()
}

/// dateutil's `_timelex`: runs of letters, runs of digits (with `.` or `,`
/// decimals), single spaces and single other characters. `Sep.20.2009`
/// splits at the dots, `4:30:21.447` keeps its fraction.
pub(crate) fn split(s: &str) -> Vec<String> {
    #[derive(PartialEq, Clone, Copy)]
    enum State {
        Word,
        Num,
        WordDot,
        NumDot,
    }
    let chars: Vec<char> = s.chars().filter(|c| *c != '\0').collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let mut token = String::from(c);
        let mut state = if is_word(c) {
            State::Word
        } else if is_num(c) {
            State::Num
        } else {
            tokens.push(if is_py_space(c) {
                " ".to_string()
            } else {
                token
            });
            continue;
        };
        let mut seen_letters = false;
        while i < chars.len() {
            let c = chars[i];
            let last = token.chars().last();
            let take = match state {
                State::Word => {
                    seen_letters = true;
                    if is_word(c) {
                        true
                    } else if c == '.' {
                        state = State::WordDot;
                        true
                    } else {
                        false
                    }
                }
                State::Num => {
                    if is_num(c) {
                        true
                    } else if c == '.' || (c == ',' && token.chars().count() >= 2) {
                        state = State::NumDot;
                        true
                    } else {
                        false
                    }
                }
                State::WordDot => {
                    seen_letters = true;
                    if c == '.' || is_word(c) {
                        true
                    } else if is_num(c) && last == Some('.') {
                        state = State::NumDot;
                        true
                    } else {
                        false
                    }
                }
                State::NumDot => {
                    if c == '.' || is_num(c) {
                        true
                    } else if is_word(c) && last == Some('.') {
                        state = State::WordDot;
                        true
                    } else {
                        false
                    }
                }
            };
            if !take {
                break;
            }
            token.push(c);
            i += 1;
        }
        let dotted = matches!(state, State::WordDot | State::NumDot);
        if dotted
            && (seen_letters
                || token.matches('.').count() > 1
                || token.ends_with('.')
                || token.ends_with(','))
        {
            // Split at every `.` and `,`, keeping them as tokens.
            let mut part = String::new();
            for c in token.chars() {
                if c == '.' || c == ',' {
                    if !part.is_empty() {
                        tokens.push(std::mem::take(&mut part));
                    }
                    tokens.push(c.to_string());
                } else {
                    part.push(c);
                }
            }
            if !part.is_empty() {
                tokens.push(part);
            }
            continue;
        }
        if state == State::NumDot && !token.contains('.') {
            token = token.replace(',', ".");
        }
        tokens.push(token);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert_eq!(split("Sep.20.2009"), ["Sep", ".", "20", ".", "2009"]);
        assert_eq!(split("4:30:21.447"), ["4", ":", "30", ":", "21.447"]);
        assert_eq!(split("10th Jan"), ["10", "th", " ", "Jan"]);
        assert_eq!(split("10,5"), ["10.5"]);
        assert_eq!(split("5 sep. 2020"), ["5", " ", "sep", ".", " ", "2020"]);
    }
}
