//! A household's pseudonym: what boards, exports and reports show instead
//! of a family. regiedesk makes it itself, `H-` and six random characters
//! and a check character (`H-7Q2KXM9`), so nobody types a BSN, an IBAN, a
//! phone number, a birth date or a name into it; a typed one is accepted
//! only in that same form, so that a mistyped one is noticed. The alphabet
//! leaves out I, O, 0 and 1, which are read for one another.

use rand::Rng;

use super::lifecycle::Refusal;

/// The 32 characters of a pseudonym.
pub const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Random characters before the check character: 30 bits, a billion
/// pseudonyms; a region's hundred thousand households rarely meet one
/// twice, and the store refuses a duplicate, upon which a new one is made.
const RANDOM: usize = 6;

/// A new pseudonym from `rng`.
pub fn make(rng: &mut impl Rng) -> String {
    let code: Vec<u8> = (0..RANDOM)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
        .collect();
    let check = ALPHABET[check_value(&code)];
    format!(
        "H-{}{}",
        String::from_utf8(code).expect("ASCII"),
        check as char
    )
}

/// A typed pseudonym, in capitals, if it has the form regiedesk makes and
/// its check character holds; case and surrounding spaces do not matter.
pub fn typed(text: &str) -> Result<String, Refusal> {
    let text = text.trim().to_ascii_uppercase();
    let refused = || {
        Err(Refusal::Invalid(
            "een pseudoniem maakt regiedesk zelf (laat het veld weg); een overgenomen \
             pseudoniem heeft de vorm H-XXXXXXC: zes tekens en een controleteken"
                .into(),
        ))
    };
    let Some(code) = text.strip_prefix("H-") else {
        return refused();
    };
    let code = code.as_bytes();
    if code.len() != RANDOM + 1 || !code.iter().all(|c| ALPHABET.contains(c)) {
        return refused();
    }
    if ALPHABET[check_value(&code[..RANDOM])] != code[RANDOM] {
        return refused();
    }
    Ok(text)
}

/// The Luhn mod N check value of `code` over [`ALPHABET`]: it catches every
/// single mistyped character and most swaps of two neighbours.
fn check_value(code: &[u8]) -> usize {
    let n = ALPHABET.len();
    let mut sum = 0;
    for (i, c) in code.iter().rev().enumerate() {
        let value = ALPHABET
            .iter()
            .position(|a| a == c)
            .expect("in the alphabet");
        let mut addend = if i % 2 == 0 { value * 2 } else { value };
        addend = addend / n + addend % n;
        sum += addend;
    }
    (n - sum % n) % n
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn a_made_pseudonym_is_accepted_typed_in_any_case() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..1000 {
            let made = make(&mut rng);
            assert_eq!(made.len(), 9);
            assert_eq!(typed(&made).unwrap(), made);
            assert_eq!(typed(&format!(" {} ", made.to_lowercase())).unwrap(), made);
        }
    }

    #[test]
    fn what_could_carry_a_person_is_refused() {
        for person in [
            "111222333",          // passes the BSN eleven-test
            "NL91ABNA0417164300", // an IBAN
            "0612345678",
            "+31612345678",
            "19870412-JDV",
            "JANSEN-J",
            "Jan de Vries",
            "H-FRR4",
            "H-",
            "",
        ] {
            assert!(typed(person).is_err(), "{person}");
        }
    }

    #[test]
    fn one_mistyped_character_is_noticed() {
        let made = make(&mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
        let mut refused = 0;
        let mut tried = 0;
        for at in 2..made.len() {
            for &c in ALPHABET {
                let mut wrong = made.clone().into_bytes();
                if wrong[at] == c {
                    continue;
                }
                wrong[at] = c;
                tried += 1;
                refused += usize::from(typed(std::str::from_utf8(&wrong).unwrap()).is_err());
            }
        }
        assert_eq!(refused, tried);
    }
}
