//! Packing a return shipment into boxes under the manufacturer's limits (装箱规则): parts per box, weight,
//! volume and the longest side a box takes; hazardous parts (batteries, airbags) never share a box with
//! other parts and go at most `hazardous_per_box` to a box. A part too big or too heavy for any box on its
//! own is packed alone and marked oversize, so the packer crates it separately.
//!
//! First fit by decreasing weight, then volume: deterministic (the same parts always give the same boxes),
//! and no part of a later box would have fitted into an earlier box of its kind, which the tests prove.

use serde::{Deserialize, Serialize};

use crate::violation::{Violation, Violations};

/// The manufacturer's limits per box. Zero means "no limit" for weight, volume and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PackLimits {
    /// Parts per box (at least 1).
    pub max_parts: u32,
    pub max_weight_g: u64,
    pub max_volume_cm3: u64,
    /// The longest side a box takes.
    pub max_length_cm: u32,
    /// Hazardous parts per box (at least 1).
    pub hazardous_per_box: u32,
}

impl Default for PackLimits {
    fn default() -> Self {
        PackLimits {
            max_parts: 20,
            max_weight_g: 25_000,
            max_volume_cm3: 60 * 40 * 40,
            max_length_cm: 60,
            hazardous_per_box: 1,
        }
    }
}

impl PackLimits {
    pub fn validate(&self) -> Result<(), Violations> {
        let mut violations = Violations::new();
        if !(1..=1_000).contains(&self.max_parts) {
            violations.push(Violation::new("limits.max_parts", "out_of_range").with("min", 1).with("max", 1_000));
        }
        if !(1..=1_000).contains(&self.hazardous_per_box) {
            violations
                .push(Violation::new("limits.hazardous_per_box", "out_of_range").with("min", 1).with("max", 1_000));
        }
        if self.max_weight_g > 1_000_000 {
            violations
                .push(Violation::new("limits.max_weight_g", "out_of_range").with("min", 0).with("max", 1_000_000));
        }
        if self.max_length_cm > 1_000 {
            violations.push(Violation::new("limits.max_length_cm", "out_of_range").with("min", 0).with("max", 1_000));
        }
        violations.finish(|| ())
    }
}

/// One part to pack: its weight, volume and longest side, and whether it is hazardous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PackItem {
    pub weight_g: u64,
    pub volume_cm3: u64,
    pub length_cm: u32,
    pub hazardous: bool,
}

/// A packed box: indexes into the items given to [`pack`], in packing order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackedBox {
    pub items: Vec<usize>,
    pub hazardous: bool,
    /// One part beyond the box limits, packed alone.
    pub oversize: bool,
    pub weight_g: u64,
    pub volume_cm3: u64,
}

fn over(limit: u64, value: u64) -> bool {
    limit > 0 && value > limit
}

/// The part cannot go into any box within the limits, even alone.
pub fn is_oversize(item: &PackItem, limits: &PackLimits) -> bool {
    over(limits.max_weight_g, item.weight_g)
        || over(limits.max_volume_cm3, item.volume_cm3)
        || over(u64::from(limits.max_length_cm), u64::from(item.length_cm))
}

/// Whether `item` still fits into `packed` under the limits (same kind of box assumed).
pub fn fits(packed: &PackedBox, item: &PackItem, limits: &PackLimits) -> bool {
    let per_box = if packed.hazardous { limits.max_parts.min(limits.hazardous_per_box) } else { limits.max_parts };
    !packed.oversize
        && !is_oversize(item, limits)
        && packed.hazardous == item.hazardous
        && packed.items.len() < per_box.max(1) as usize
        && !over(limits.max_weight_g, packed.weight_g + item.weight_g)
        && !over(limits.max_volume_cm3, packed.volume_cm3 + item.volume_cm3)
}

/// Packs every item into exactly one box: ordinary boxes first, then hazardous ones, then oversize parts one
/// to a box.
pub fn pack(items: &[PackItem], limits: &PackLimits) -> Vec<PackedBox> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Heaviest first, then bulkiest; the index keeps equal parts in their given order.
    order.sort_by(|&a, &b| {
        (items[b].weight_g, items[b].volume_cm3).cmp(&(items[a].weight_g, items[a].volume_cm3)).then(a.cmp(&b))
    });
    let mut boxes = Vec::new();
    for hazardous in [false, true] {
        let mut kind: Vec<PackedBox> = Vec::new();
        for &index in order.iter().filter(|&&i| items[i].hazardous == hazardous && !is_oversize(&items[i], limits)) {
            let item = &items[index];
            match kind.iter_mut().find(|b| fits(b, item, limits)) {
                Some(packed) => {
                    packed.items.push(index);
                    packed.weight_g += item.weight_g;
                    packed.volume_cm3 += item.volume_cm3;
                }
                None => kind.push(PackedBox {
                    items: vec![index],
                    hazardous,
                    oversize: false,
                    weight_g: item.weight_g,
                    volume_cm3: item.volume_cm3,
                }),
            }
        }
        boxes.extend(kind);
    }
    boxes.extend(order.iter().filter(|&&i| is_oversize(&items[i], limits)).map(|&index| PackedBox {
        items: vec![index],
        hazardous: items[index].hazardous,
        oversize: true,
        weight_g: items[index].weight_g,
        volume_cm3: items[index].volume_cm3,
    }));
    boxes
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(weight_g: u64, hazardous: bool) -> PackItem {
        PackItem { weight_g, volume_cm3: 1_000, length_cm: 20, hazardous }
    }

    /// Everything a packing must satisfy, whatever the input.
    fn assert_valid(items: &[PackItem], limits: &PackLimits, boxes: &[PackedBox]) {
        let mut seen = vec![0; items.len()];
        for packed in boxes {
            assert!(!packed.items.is_empty(), "no empty box");
            for &index in &packed.items {
                seen[index] += 1;
                assert_eq!(items[index].hazardous, packed.hazardous, "hazardous parts never mixed");
            }
            let weight: u64 = packed.items.iter().map(|&i| items[i].weight_g).sum();
            let volume: u64 = packed.items.iter().map(|&i| items[i].volume_cm3).sum();
            assert_eq!((weight, volume), (packed.weight_g, packed.volume_cm3), "totals add up");
            if packed.oversize {
                assert_eq!(packed.items.len(), 1, "an oversize part travels alone");
                assert!(is_oversize(&items[packed.items[0]], limits));
                continue;
            }
            assert!(packed.items.len() <= limits.max_parts as usize);
            if packed.hazardous {
                assert!(packed.items.len() <= limits.hazardous_per_box as usize);
            }
            assert!(!over(limits.max_weight_g, weight) && !over(limits.max_volume_cm3, volume));
            for &index in &packed.items {
                assert!(!is_oversize(&items[index], limits));
            }
        }
        assert!(seen.iter().all(|&n| n == 1), "every part in exactly one box: {seen:?}");
        // First fit: no part of a box would fit into an earlier box of its kind as packed.
        for (later, packed) in boxes.iter().enumerate() {
            for &index in &packed.items {
                for earlier in &boxes[..later] {
                    assert!(
                        !fits(earlier, &items[index], limits),
                        "part {index} of box {later} would have fitted an earlier box"
                    );
                }
            }
        }
        // Box order: ordinary, hazardous, oversize.
        let rank = |b: &PackedBox| if b.oversize { 2 } else { u8::from(b.hazardous) };
        assert!(boxes.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])));
    }

    #[test]
    fn nothing_to_pack_gives_no_box() {
        assert!(pack(&[], &PackLimits::default()).is_empty());
    }

    #[test]
    fn a_battery_never_shares_a_box_and_heavy_parts_spread() {
        let limits = PackLimits { max_parts: 3, max_weight_g: 10_000, ..PackLimits::default() };
        let items =
            [item(6_000, false), item(5_000, false), item(4_000, false), item(15_000, true), item(1_000, false)];
        let boxes = pack(&items, &limits);
        assert_valid(&items, &limits, &boxes);
        let contents: Vec<(Vec<usize>, bool, bool)> =
            boxes.iter().map(|b| (b.items.clone(), b.hazardous, b.oversize)).collect();
        assert_eq!(
            contents,
            vec![(vec![0, 2], false, false), (vec![1, 4], false, false), (vec![3], true, true)],
            "6+4 kg, 5+1 kg, the 15 kg battery alone and oversize"
        );
    }

    #[test]
    fn too_long_a_part_is_oversize_even_when_light() {
        let limits = PackLimits::default();
        let bumper = PackItem { weight_g: 3_000, volume_cm3: 20_000, length_cm: 180, hazardous: false };
        let boxes = pack(&[bumper, item(500, false)], &limits);
        assert_eq!(boxes.len(), 2);
        assert!(!boxes[0].oversize && boxes[1].oversize && boxes[1].items == vec![0]);
    }

    #[test]
    fn hazardous_parts_go_one_to_a_box_by_default() {
        let limits = PackLimits::default();
        let items = vec![item(2_000, true); 3];
        let boxes = pack(&items, &limits);
        assert_eq!(boxes.len(), 3);
        let two = PackLimits { hazardous_per_box: 2, ..limits };
        assert_eq!(pack(&items, &two).len(), 2);
    }

    /// Exhaustive over small inputs: every sequence of up to 5 parts drawn from weights {0, 3, 5, 8, 11 kg}
    /// and hazardous or not, under a 10 kg / 3 parts / 2 hazardous limit. With the count as the only binding
    /// limit (all weights 0) first fit is optimal: ⌈n / per box⌉ boxes of each kind.
    #[test]
    fn exhaustive_small_inputs_pack_validly() {
        let limits = PackLimits { max_parts: 3, max_weight_g: 10_000, hazardous_per_box: 2, ..PackLimits::default() };
        let kinds: Vec<PackItem> =
            [0, 3_000, 5_000, 8_000, 11_000].iter().flat_map(|&w| [item(w, false), item(w, true)]).collect();
        let mut checked = 0;
        for n in 0..=5u32 {
            let mut digits = vec![0usize; n as usize];
            loop {
                let items: Vec<PackItem> = digits.iter().map(|&d| kinds[d]).collect();
                let boxes = pack(&items, &limits);
                assert_valid(&items, &limits, &boxes);
                if items.iter().all(|i| i.weight_g == 0) {
                    let hazardous = items.iter().filter(|i| i.hazardous).count();
                    let ordinary = items.len() - hazardous;
                    assert_eq!(boxes.len(), ordinary.div_ceil(3) + hazardous.div_ceil(2));
                }
                checked += 1;
                // Next combination, odometer style.
                let mut position = 0;
                while position < digits.len() {
                    digits[position] += 1;
                    if digits[position] < kinds.len() {
                        break;
                    }
                    digits[position] = 0;
                    position += 1;
                }
                if position == digits.len() {
                    break;
                }
            }
        }
        assert_eq!(checked, (0..=5).map(|n| 10usize.pow(n)).sum::<usize>());
    }

    #[test]
    fn the_same_parts_give_the_same_boxes() {
        let items = [item(3_000, false), item(3_000, false), item(7_000, false)];
        assert_eq!(pack(&items, &PackLimits::default()), pack(&items, &PackLimits::default()));
    }

    fn arbitrary_item() -> impl Strategy<Value = PackItem> {
        (0u64..40_000, 0u64..150_000, 0u32..120, proptest::bool::weighted(0.2)).prop_map(
            |(weight_g, volume_cm3, length_cm, hazardous)| PackItem { weight_g, volume_cm3, length_cm, hazardous },
        )
    }

    fn arbitrary_limits() -> impl Strategy<Value = PackLimits> {
        (1u32..30, 0u64..50_000, 0u64..200_000, 0u32..100, 1u32..4).prop_map(
            |(max_parts, max_weight_g, max_volume_cm3, max_length_cm, hazardous_per_box)| PackLimits {
                max_parts,
                max_weight_g,
                max_volume_cm3,
                max_length_cm,
                hazardous_per_box,
            },
        )
    }

    proptest! {
        #[test]
        fn any_parts_under_any_limits_pack_validly(
            items in proptest::collection::vec(arbitrary_item(), 0..60),
            limits in arbitrary_limits(),
        ) {
            let boxes = pack(&items, &limits);
            assert_valid(&items, &limits, &boxes);
            // Never fewer boxes than the weight or the count demands.
            let packable: Vec<&PackItem> = items.iter().filter(|i| !is_oversize(i, &limits)).collect();
            for hazardous in [false, true] {
                let kind: Vec<&&PackItem> = packable.iter().filter(|i| i.hazardous == hazardous).collect();
                let count = boxes.iter().filter(|b| !b.oversize && b.hazardous == hazardous).count();
                let per_box = if hazardous { limits.max_parts.min(limits.hazardous_per_box) } else { limits.max_parts };
                prop_assert!(count >= kind.len().div_ceil(per_box as usize));
                if limits.max_weight_g > 0 {
                    let weight: u64 = kind.iter().map(|i| i.weight_g).sum();
                    prop_assert!(count as u64 >= weight.div_ceil(limits.max_weight_g));
                }
            }
        }
    }
}
