//! The `heavylegs` binary: parse flags, hand over to the library, map the
//! outcome to an exit code. Everything else lives in `heavylegs::commands`.

use std::process::ExitCode;

use clap::Parser;
use heavylegs::cli::Cli;
use heavylegs::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(n) = cli.threads {
        // Only fails if a pool already exists, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let code = commands::main(cli);
    ExitCode::from(code as u8)
}
