//! Log lines on stderr: plain text for people, one JSON object per line for
//! log collectors (`--log-format json`). Quiet runs print errors only.

use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Log {
    pub max: Level,
    pub json: bool,
}

impl Log {
    pub fn new(quiet: bool, verbose: bool, json: bool) -> Log {
        let max = if quiet {
            Level::Error
        } else if verbose {
            Level::Debug
        } else {
            Level::Info
        };
        Log { max, json }
    }

    pub fn enabled(&self, level: Level) -> bool {
        level <= self.max
    }

    /// Writes `msg` with structured `fields` (shown as `key=value` in text mode).
    pub fn emit(&self, level: Level, msg: &str, fields: &[(&str, serde_json::Value)]) {
        if !self.enabled(level) {
            return;
        }
        let line = if self.json {
            let mut obj = serde_json::Map::new();
            obj.insert("level".into(), level.as_str().into());
            obj.insert("msg".into(), msg.into());
            for (k, v) in fields {
                obj.insert((*k).into(), v.clone());
            }
            serde_json::Value::Object(obj).to_string()
        } else {
            let mut s = match level {
                Level::Error => format!("error: {msg}"),
                Level::Warn => format!("warning: {msg}"),
                _ => msg.to_string(),
            };
            for (k, v) in fields {
                let v = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                s.push_str(&format!(" {k}={v}"));
            }
            s
        };
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }

    pub fn info(&self, msg: &str, fields: &[(&str, serde_json::Value)]) {
        self.emit(Level::Info, msg, fields)
    }

    pub fn warn(&self, msg: &str, fields: &[(&str, serde_json::Value)]) {
        self.emit(Level::Warn, msg, fields)
    }

    pub fn error(&self, msg: &str, fields: &[(&str, serde_json::Value)]) {
        self.emit(Level::Error, msg, fields)
    }

    pub fn debug(&self, msg: &str, fields: &[(&str, serde_json::Value)]) {
        self.emit(Level::Debug, msg, fields)
    }
}
