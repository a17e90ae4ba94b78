//! The optimizer: rewrites the control-flow graph into a smaller one that accepts the same
//! packets.

use super::codegen::Error;
use super::ir::{Cfg, Ret, Terminal};

/// Optimizes `cfg` in place.
pub fn optimize(cfg: &mut Cfg) -> Result<(), Error> {
    cfg.compact();
    Ok(())
}

/// Whether the program rejects every packet (its first block is `ret #0`).
pub fn rejects_all(cfg: &Cfg) -> bool {
    matches!(
        cfg.blocks.get(cfg.entry.index()).map(|b| b.term),
        Some(Terminal::Ret(Ret::K(0)))
    )
}
