use crate::rules::RuleDef;

pub static RULES: &[RuleDef] = &[];
