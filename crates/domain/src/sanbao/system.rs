//! Vehicle systems and the lists the articles name.

use serde::{Deserialize, Serialize};

use crate::sanbao::version::Version;

/// A vehicle system (总成或系统) a fault or a repair concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum System {
    /// 发动机.
    Engine,
    /// 变速器.
    Transmission,
    /// 动力蓄电池.
    PowerBattery,
    /// 行驶驱动电机.
    DriveMotor,
    /// 转向系统.
    Steering,
    /// 制动系统.
    Brakes,
    /// 悬架系统.
    Suspension,
    /// 传动系统.
    Drivetrain,
    /// 污染控制装置.
    EmissionControl,
    /// 车身.
    Body,
    /// 前/后桥 (on the 2013 list).
    Axle,
    /// 燃油系统.
    FuelSystem,
    /// 空调.
    AirConditioning,
    /// 电气设备.
    Electrical,
    Other,
}

impl System {
    /// The assemblies of Art 20, 22 and 24(2): engine and transmission, plus the power battery and the
    /// drive motor from 2021.
    pub fn is_assembly(self, version: Version) -> bool {
        match self {
            System::Engine | System::Transmission => true,
            System::PowerBattery | System::DriveMotor => version == Version::V2021,
            _ => false,
        }
    }

    /// The systems whose same main part replaced twice gives Art 24(3). Under 2013 the engine and
    /// transmission main parts sit in Art 20(2) and the rest in Art 20(3); both are listed here.
    pub fn has_listed_main_parts(self, version: Version) -> bool {
        match version {
            Version::V2021 => matches!(
                self,
                System::Engine
                    | System::Transmission
                    | System::PowerBattery
                    | System::DriveMotor
                    | System::Steering
                    | System::Brakes
                    | System::Suspension
                    | System::Drivetrain
                    | System::EmissionControl
                    | System::Body
            ),
            Version::V2013 => matches!(
                self,
                System::Engine
                    | System::Transmission
                    | System::Steering
                    | System::Brakes
                    | System::Suspension
                    | System::Axle
                    | System::Body
            ),
        }
    }

    /// Index among the four assemblies, for fixed-size counting.
    pub(crate) fn assembly_index(self) -> Option<usize> {
        match self {
            System::Engine => Some(0),
            System::Transmission => Some(1),
            System::PowerBattery => Some(2),
            System::DriveMotor => Some(3),
            _ => None,
        }
    }

    pub(crate) const ASSEMBLIES: [System; 4] =
        [System::Engine, System::Transmission, System::PowerBattery, System::DriveMotor];
}

/// The failures on the Art 23 list (2013 Art 20 without the battery fire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SafetyFailure {
    /// 转向系统失效.
    SteeringFailure,
    /// 制动系统失效.
    BrakeFailure,
    /// 车身开裂.
    BodyCracking,
    /// 燃油泄漏.
    FuelLeakage,
    /// 动力蓄电池起火 (2021 only).
    PowerBatteryFire,
}

impl SafetyFailure {
    pub fn is_listed(self, version: Version) -> bool {
        self != SafetyFailure::PowerBatteryFire || version == Version::V2021
    }
}
