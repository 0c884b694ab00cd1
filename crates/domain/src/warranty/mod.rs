//! Manufacturer warranty claims (三包索赔 to the manufacturer): claim lines and amounts, the claim's states,
//! the manufacturer's line-by-line decision, goodwill splits, and the mis-claim checks (误赔) run before a
//! claim is submitted. The dealer's duties toward the consumer are in [`crate::sanbao`].

pub mod checks;
pub mod claim;
pub mod decision;
pub mod goodwill;
pub mod lines;
pub mod preauth;
pub mod rates;
pub mod settings;
