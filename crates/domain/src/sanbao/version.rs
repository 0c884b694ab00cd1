//! Which 三包 regulation applies, and the article each provision has in it.
//!
//! The 2021 rules (SAMR order No. 43) are in force from 2022-01-01 and repeal the 2013 rules (AQSIQ order
//! No. 150) on that day (2021 Art 42). Neither text has a transition clause, so we choose by the date the 三包
//! period starts [I] (立法法 Art 104: rules do not apply retroactively). The 2013 article numbers come from
//! secondary sources; the ones marked [U] in `docs/rules/sanbao.md` are inferred from the text's order.

use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

/// The version of 《家用汽车产品修理更换退货责任规定》 that governs a car.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Version {
    /// AQSIQ order No. 150, in force 2013-10-01.
    #[serde(rename = "2013")]
    V2013,
    /// SAMR order No. 43, in force 2022-01-01.
    #[serde(rename = "2021")]
    V2021,
}

/// The day the 2021 rules came into force.
pub const V2021_IN_FORCE: Date = date(2022, 1, 1);

impl Version {
    /// The version for a 三包 period that starts on `start` [I].
    pub fn for_period_start(start: Date) -> Version {
        if start < V2021_IN_FORCE { Version::V2013 } else { Version::V2021 }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2013 => "2013",
            Version::V2021 => "2021",
        }
    }
}

/// A provision of the regulation; [`article`] names it for a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provision {
    /// Which version applies (2021 Art 42 repeals the 2013 rules).
    VersionChoice,
    /// What a 家用汽车产品 is (2021 Art 2, 40).
    Scope,
    /// Definitions, among them 产品质量问题 (2021 Art 40).
    Definitions,
    /// 包修期 and 三包有效期 (2021 Art 18; 2013 Art 17).
    Periods,
    /// Free repair in 包修期 (2021 Art 19; 2013 Art 18).
    FreeRepair,
    /// 60-day / 3,000 km free assembly replacement (2021 Art 20; 2013 Art 18).
    AssemblyReplacement,
    /// Spare car or transport compensation after 5 days (2021 Art 21; 2013 Art 19).
    SpareCar,
    /// 7-day replacement or return (2021 Art 22; no 2013 counterpart).
    SevenDay,
    /// 60-day / 3,000 km safety list (2021 Art 23; 2013 Art 20).
    SixtyDaySafety,
    /// Art 24(1): serious safety fault after 2 repairs.
    SeriousSafetyRepeated,
    /// Art 24(2): assembly replaced twice (2013 Art 20(2), which also holds engine/transmission main parts).
    AssemblyReplacedTwice,
    /// Art 24(3): the same main part replaced twice.
    MainPartReplacedTwice,
    /// Art 24(3) for an engine or transmission main part (2013 Art 20(2)).
    PowertrainMainPartReplacedTwice,
    /// Art 24(4): cumulative repair days or repeated repairs (2013 Art 21).
    RepeatedRepairs,
    /// Seller's refund of losses (2021 Art 26).
    SellerLosses,
    /// Use compensation (2021 Art 27; 2013 Art 25).
    UseCompensation,
    /// Reply and completion deadlines (2021 Art 28).
    Deadlines,
    /// Periods restart after a replacement (2021 Art 29; 2013 Art 27).
    Restart,
    /// Ownership change keeps the rights (2021 Art 30; 2013 Art 28 [U]).
    OwnershipChange,
    /// Exemption grounds (2021 Art 32; 2013 Art 30).
    Exemption(ExemptionArticle),
    /// 2013: no valid invoice and no 三包凭证 (2013 Art 31 [U]).
    NoDocuments2013,
}

/// Which item of the exemption article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExemptionArticle {
    WrittenDefectNotice,
    Misuse,
    ProhibitedModification,
    ImproperHandling,
    ForceMajeure,
    /// The last paragraph: servicing elsewhere is no ground.
    IndependentWorkshop,
    /// 2013 only: taxi and other commercial use.
    CommercialUse,
}

/// The article text such as `"2021 Art 23"` for a provision under a version.
pub fn article(version: Version, provision: Provision) -> &'static str {
    use Provision as P;
    match version {
        Version::V2021 => match provision {
            P::VersionChoice => "2021 Art 42",
            P::Scope => "2021 Art 2, Art 40",
            P::Definitions => "2021 Art 40",
            P::Periods => "2021 Art 18",
            P::FreeRepair => "2021 Art 19",
            P::AssemblyReplacement => "2021 Art 20",
            P::SpareCar => "2021 Art 21",
            P::SevenDay => "2021 Art 22",
            P::SixtyDaySafety => "2021 Art 23",
            P::SeriousSafetyRepeated => "2021 Art 24(1)",
            P::AssemblyReplacedTwice => "2021 Art 24(2)",
            P::MainPartReplacedTwice | P::PowertrainMainPartReplacedTwice => "2021 Art 24(3)",
            P::RepeatedRepairs => "2021 Art 24(4)",
            P::SellerLosses => "2021 Art 26",
            P::UseCompensation => "2021 Art 27",
            P::Deadlines => "2021 Art 28",
            P::Restart => "2021 Art 29",
            P::OwnershipChange => "2021 Art 30",
            P::Exemption(item) => match item {
                ExemptionArticle::WrittenDefectNotice => "2021 Art 32(1)",
                ExemptionArticle::Misuse => "2021 Art 32(2)",
                ExemptionArticle::ProhibitedModification => "2021 Art 32(3)",
                ExemptionArticle::ImproperHandling => "2021 Art 32(4)",
                ExemptionArticle::ForceMajeure => "2021 Art 32(5)",
                ExemptionArticle::IndependentWorkshop => "2021 Art 32",
                // The 2021 text has no commercial-use ground: such a car is out of scope instead.
                ExemptionArticle::CommercialUse => "2021 Art 2, Art 40",
            },
            P::NoDocuments2013 => "2021 Art 19",
        },
        Version::V2013 => match provision {
            P::VersionChoice => "2021 Art 42",
            P::Scope => "2013 Art 2",
            P::Definitions => "2013 Art 18",
            P::Periods => "2013 Art 17",
            P::FreeRepair | P::AssemblyReplacement => "2013 Art 18",
            P::SpareCar => "2013 Art 19",
            // No 7-day rule in 2013; callers never ask, but the name must point somewhere true.
            P::SevenDay | P::SixtyDaySafety => "2013 Art 20",
            P::SeriousSafetyRepeated => "2013 Art 20(1)",
            P::AssemblyReplacedTwice | P::PowertrainMainPartReplacedTwice => "2013 Art 20(2)",
            P::MainPartReplacedTwice => "2013 Art 20(3)",
            P::RepeatedRepairs => "2013 Art 21",
            // Losses and deadlines are computed with the 2021 articles [I]; see the docs.
            P::SellerLosses => "2021 Art 26",
            P::UseCompensation => "2013 Art 25",
            P::Deadlines => "2021 Art 28",
            P::Restart => "2013 Art 27",
            P::OwnershipChange => "2013 Art 28",
            P::Exemption(_) => "2013 Art 30",
            P::NoDocuments2013 => "2013 Art 31",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_follows_the_period_start() {
        assert_eq!(Version::for_period_start(date(2021, 12, 31)), Version::V2013);
        assert_eq!(Version::for_period_start(date(2022, 1, 1)), Version::V2021);
    }

    #[test]
    fn the_2013_safety_list_has_its_own_article() {
        assert_eq!(article(Version::V2021, Provision::SixtyDaySafety), "2021 Art 23");
        assert_eq!(article(Version::V2013, Provision::SixtyDaySafety), "2013 Art 20");
        assert_eq!(article(Version::V2013, Provision::RepeatedRepairs), "2013 Art 21");
    }
}
