//! `heavylegs inspect FILE`: what heavylegs reads from one file.

use crate::cli::InspectArgs;
use crate::exit::Exit;
use crate::log::Log;
use crate::output::out_line;

/// `heavylegs inspect`: one file's normalized view (and FIT messages) on stdout.
/// A file that cannot be read to the end still prints what was read, then exits 3.
pub fn run(args: &InspectArgs, log: &Log) -> anyhow::Result<Exit> {
    let opts = crate::inspect::Options {
        messages: args.messages,
        message: args.message.clone(),
        fit_decoder: args.decoder.fit_decoder.unwrap_or_default(),
        limits: Default::default(),
    };
    // Decoder panics are caught and reported; keep the default hook's backtrace noise off stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let found = crate::inspect::inspect(&args.file, &opts);
    let _ = std::panic::take_hook();
    let ins = match found {
        Ok(ins) => ins,
        Err(e @ crate::inspect::InspectError::MessagesNeedFit { .. }) => {
            return Ok(super::config_error(log, &e.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        out_line(&serde_json::to_string_pretty(&ins)?)?;
    } else {
        let text = crate::inspect::render_text(&ins);
        out_line(text.trim_end())?;
    }
    if ins.rejected() {
        let why = ins
            .entries
            .iter()
            .filter(|e| e.status == crate::ingest::Status::Rejected)
            .find_map(|e| e.reason.clone())
            .or_else(|| ins.messages.as_ref().and_then(|m| m.error.clone()));
        log.error(&format!("{}: {}", ins.path, why.unwrap_or_default()), &[]);
        return Ok(Exit::Rejected);
    }
    Ok(Exit::Ok)
}
