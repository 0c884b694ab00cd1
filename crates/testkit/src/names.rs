//! Realistic Chinese names, phones, VINs and plates for demo and test data.

use claimdesk_domain::ids::Vin;
use rand::Rng;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "雪梅", "志强", "海燕", "俊杰", "子涵", "浩然", "欣怡", "宇轩",
    "梓萱", "一鸣", "思远",
];
const VIN_CHARS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
const PLATE_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

pub fn person_name(rng: &mut impl Rng) -> String {
    format!("{}{}", SURNAMES[rng.random_range(0..SURNAMES.len())], GIVEN[rng.random_range(0..GIVEN.len())])
}

pub fn mobile(rng: &mut impl Rng) -> String {
    let second = [3, 5, 7, 8, 9][rng.random_range(0..5)];
    format!("1{second}{:09}", rng.random_range(0..1_000_000_000u64))
}

/// A VIN with a correct check digit, from a Chinese maker's WMI.
pub fn vin(rng: &mut impl Rng, wmi: &str) -> String {
    let mut chars: Vec<u8> = wmi.bytes().collect();
    for _ in 0..5 {
        chars.push(VIN_CHARS[rng.random_range(0..VIN_CHARS.len())]);
    }
    chars.push(b'0');
    chars.push(b"KLMNPRST"[rng.random_range(0..8)]);
    chars.push(VIN_CHARS[rng.random_range(0..23)]);
    for _ in 0..6 {
        chars.push(b'0' + rng.random_range(0..10u8));
    }
    for check in b"0123456789X" {
        chars[8] = *check;
        let text = String::from_utf8(chars.clone()).expect("ascii");
        if Vin::parse("vin", &text).is_ok() {
            return text;
        }
    }
    unreachable!("one of eleven check characters fits")
}

/// The `n`th VIN of a numbered series from a maker's WMI, with a correct check digit: distinct `n` give
/// distinct VINs (up to 33⁵ × 10⁶), so benchmarks and imports can make many without collisions.
pub fn vin_numbered(wmi: &str, n: u64) -> String {
    let mut chars: Vec<u8> = wmi.bytes().collect();
    let mut high = n / 1_000_000;
    for _ in 0..5 {
        chars.push(VIN_CHARS[(high % VIN_CHARS.len() as u64) as usize]);
        high /= VIN_CHARS.len() as u64;
    }
    chars.push(b'0');
    chars.extend_from_slice(b"R1");
    chars.extend_from_slice(format!("{:06}", n % 1_000_000).as_bytes());
    for check in b"0123456789X" {
        chars[8] = *check;
        let text = String::from_utf8(chars.clone()).expect("ascii");
        if Vin::parse("vin", &text).is_ok() {
            return text;
        }
    }
    unreachable!("one of eleven check characters fits")
}

/// An ordinary blue plate, or a small new-energy plate for electric cars.
pub fn plate(rng: &mut impl Rng, province: &str, authority: char, new_energy: bool) -> String {
    if new_energy {
        let energy = if rng.random_bool(0.8) { 'D' } else { 'F' };
        format!("{province}{authority}{energy}{:05}", rng.random_range(0..100_000))
    } else {
        let mut text = format!("{province}{authority}");
        for index in 0..5 {
            if index == 0 && rng.random_bool(0.3) {
                text.push(PLATE_LETTERS[rng.random_range(0..PLATE_LETTERS.len())] as char);
            } else {
                text.push((b'0' + rng.random_range(0..10u8)) as char);
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimdesk_domain::ids::{Mobile, Plate};
    use rand::SeedableRng;

    #[test]
    fn generated_identifiers_are_valid() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..500 {
            assert!(Vin::parse("vin", &vin(&mut rng, "LFV")).is_ok());
            assert!(Mobile::parse("mobile", &mobile(&mut rng)).is_ok());
            let nev = rng.random_bool(0.5);
            let parsed = Plate::parse("plate", &plate(&mut rng, "京", 'N', nev)).unwrap();
            assert_eq!(parsed.is_new_energy(), nev);
        }
    }

    #[test]
    fn numbered_vins_are_valid_and_distinct() {
        let vins: std::collections::HashSet<String> =
            [0u64, 1, 999_999, 1_000_000, 1_000_001, 33_000_000, 5_000_000_123].map(|n| vin_numbered("LHG", n)).into();
        assert_eq!(vins.len(), 7);
        for vin in &vins {
            assert!(Vin::parse("vin", vin).is_ok(), "{vin}");
        }
    }
}
