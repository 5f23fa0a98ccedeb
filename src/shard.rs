//! Which share of a coach folder this run processes: `--shard I/N`, or
//! `--shard auto` read from the scheduler that started the process
//! (a Kubernetes Indexed Job or a Slurm job array).
//!
//! The environment is passed in as a lookup function, so the parsing is
//! tested with explicit maps and never touches the process environment.

/// Kubernetes Indexed Job: the pod's index, `0..completions`.
pub const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";
/// Slurm job array: this task's id and the array's shape.
pub const SLURM_ID: &str = "SLURM_ARRAY_TASK_ID";
pub const SLURM_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
pub const SLURM_MIN: &str = "SLURM_ARRAY_TASK_MIN";
pub const SLURM_MAX: &str = "SLURM_ARRAY_TASK_MAX";
pub const SLURM_STEP: &str = "SLURM_ARRAY_TASK_STEP";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("--shard {0}: expected I/N with 1 ≤ I ≤ N (e.g. 2/4) or auto")]
    Syntax(String),
    #[error("--shard-count {0}: must be at least 1")]
    Count(u64),
    #[error("--shard-count goes with --shard auto only (--shard {0} already says N)")]
    CountWithExplicit(String),
    #[error(
        "--shard auto: neither {K8S_INDEX} (Kubernetes Indexed Job) nor {SLURM_ID} (Slurm job array) is set; run under one of them or pass --shard I/N"
    )]
    NoScheduler,
    #[error(
        "--shard auto: both {K8S_INDEX} and {SLURM_ID} are set; cannot tell which scheduler started this run"
    )]
    TwoSchedulers,
    #[error("--shard auto: {var}={value:?} is not a whole number")]
    NotANumber { var: &'static str, value: String },
    #[error(
        "--shard auto: {K8S_INDEX} is set but the shard count is not: pass --shard-count N (the Job's completions) or set shard_count in the pipeline"
    )]
    K8sNeedsCount,
    #[error(
        "--shard auto: {SLURM_ID} is set without {var}; run inside a job array (sbatch --array=0-N-1) or pass --shard I/N"
    )]
    SlurmMissing { var: &'static str },
    #[error("--shard auto: {0}")]
    Inconsistent(String),
}

/// A resolved shard: zero-based `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

/// Resolves `--shard` (`I/N` or `auto`) with an optional `--shard-count`.
/// `env` looks a variable up (the process environment in the binary).
pub fn resolve(
    spec: &str,
    count: Option<u64>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Shard, ShardError> {
    if count == Some(0) {
        return Err(ShardError::Count(0));
    }
    if spec.trim() != "auto" {
        if count.is_some() {
            return Err(ShardError::CountWithExplicit(spec.to_string()));
        }
        return parse_explicit(spec);
    }
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    match (var(K8S_INDEX), var(SLURM_ID)) {
        (Some(_), Some(_)) => Err(ShardError::TwoSchedulers),
        (None, None) => Err(ShardError::NoScheduler),
        (Some(index), None) => {
            let index = number(K8S_INDEX, &index)?;
            let count = count.ok_or(ShardError::K8sNeedsCount)?;
            if index >= count {
                return Err(ShardError::Inconsistent(format!(
                    "{K8S_INDEX}={index} but the shard count is {count} (indexes run 0..{count}); set --shard-count to the Job's completions"
                )));
            }
            Ok(Shard { index, count })
        }
        (None, Some(_)) => slurm(count, &var),
    }
}

/// A Slurm array `--array=MIN-MAX[:STEP]`: task `ID` is shard `(ID-MIN)/STEP`
/// of `SLURM_ARRAY_TASK_COUNT`.
fn slurm(count: Option<u64>, var: &dyn Fn(&str) -> Option<String>) -> Result<Shard, ShardError> {
    let need = |name: &'static str| {
        let v = var(name).ok_or(ShardError::SlurmMissing { var: name })?;
        number(name, &v)
    };
    let id = need(SLURM_ID)?;
    let min = need(SLURM_MIN)?;
    let tasks = need(SLURM_COUNT)?;
    let step = match var(SLURM_STEP) {
        Some(v) => number(SLURM_STEP, &v)?,
        None => 1,
    };
    let bad = |why: String| Err(ShardError::Inconsistent(why));
    if tasks == 0 || step == 0 {
        return bad(format!("{SLURM_COUNT}={tasks}, {SLURM_STEP}={step}"));
    }
    if let Some(c) = count
        && c != tasks
    {
        return bad(format!(
            "--shard-count {c} but the Slurm array has {SLURM_COUNT}={tasks} tasks"
        ));
    }
    if let Some(max) = var(SLURM_MAX) {
        let max = number(SLURM_MAX, &max)?;
        if max < min || (max - min) / step + 1 != tasks {
            return bad(format!(
                "the array {min}-{max}:{step} is not {tasks} evenly spaced tasks (use a range such as --array=0-{})",
                tasks - 1
            ));
        }
    }
    if id < min || (id - min) % step != 0 {
        return bad(format!(
            "{SLURM_ID}={id} is not in the array {min}..:{step} ({SLURM_MIN}={min})"
        ));
    }
    let index = (id - min) / step;
    if index >= tasks {
        return bad(format!(
            "{SLURM_ID}={id} is task {} of an array of {SLURM_COUNT}={tasks}",
            index + 1
        ));
    }
    Ok(Shard {
        index,
        count: tasks,
    })
}

fn number(var: &'static str, value: &str) -> Result<u64, ShardError> {
    value.trim().parse().map_err(|_| ShardError::NotANumber {
        var,
        value: value.to_string(),
    })
}

/// `I/N` with 1 ≤ I ≤ N, returned zero-based.
fn parse_explicit(spec: &str) -> Result<Shard, ShardError> {
    let bad = || ShardError::Syntax(spec.to_string());
    let (i, n) = spec.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(bad());
    }
    Ok(Shard {
        index: i - 1,
        count: n,
    })
}

/// Whether a pipeline's `shard` value is well formed (`auto` or `I/N`); the
/// scheduler's variables are read only when the pipeline runs.
pub fn check_syntax(spec: &str) -> Result<(), ShardError> {
    if spec.trim() == "auto" {
        Ok(())
    } else {
        parse_explicit(spec).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(vars: &[(&str, &str)], spec: &str, count: Option<u64>) -> Result<Shard, ShardError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        resolve(spec, count, &|k| map.get(k).cloned())
    }

    fn shard(index: u64, count: u64) -> Result<Shard, ShardError> {
        Ok(Shard { index, count })
    }

    #[test]
    fn explicit_shards() {
        assert_eq!(with(&[], "2/4", None), shard(1, 4));
        assert_eq!(with(&[], " 4 / 4 ", None), shard(3, 4));
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", ""] {
            assert_eq!(
                with(&[], bad, None),
                Err(ShardError::Syntax(bad.into())),
                "{bad}"
            );
        }
        assert!(matches!(
            with(&[], "1/4", Some(4)),
            Err(ShardError::CountWithExplicit(_))
        ));
        // The environment never overrides an explicit shard.
        assert_eq!(with(&[(K8S_INDEX, "3")], "1/2", None), shard(0, 2));
    }

    #[test]
    fn kubernetes_indexed_job() {
        assert_eq!(with(&[(K8S_INDEX, "0")], "auto", Some(4)), shard(0, 4));
        assert_eq!(with(&[(K8S_INDEX, "3")], "auto", Some(4)), shard(3, 4));
        assert_eq!(
            with(&[(K8S_INDEX, "2")], "auto", None),
            Err(ShardError::K8sNeedsCount)
        );
        let e = with(&[(K8S_INDEX, "4")], "auto", Some(4)).unwrap_err();
        assert!(e.to_string().contains("JOB_COMPLETION_INDEX=4"), "{e}");
        assert!(matches!(
            with(&[(K8S_INDEX, "x")], "auto", Some(4)),
            Err(ShardError::NotANumber { .. })
        ));
        assert_eq!(with(&[], "auto", Some(4)), Err(ShardError::NoScheduler));
        assert_eq!(with(&[], "auto", Some(0)), Err(ShardError::Count(0)));
    }

    #[test]
    fn slurm_arrays() {
        let array = |id: &str, min: &str, max: &str, count: &str| {
            vec![
                (SLURM_ID, id.to_string()),
                (SLURM_MIN, min.to_string()),
                (SLURM_MAX, max.to_string()),
                (SLURM_COUNT, count.to_string()),
            ]
        };
        let run = |vars: Vec<(&str, String)>, count: Option<u64>| {
            let v: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
            with(&v, "auto", count)
        };
        // --array=0-3
        assert_eq!(run(array("0", "0", "3", "4"), None), shard(0, 4));
        assert_eq!(run(array("3", "0", "3", "4"), None), shard(3, 4));
        // --array=1-4: the offset comes from SLURM_ARRAY_TASK_MIN.
        assert_eq!(run(array("1", "1", "4", "4"), None), shard(0, 4));
        assert_eq!(run(array("4", "1", "4", "4"), None), shard(3, 4));
        // --array=0-12:4
        let mut stepped = array("8", "0", "12", "4");
        stepped.push((SLURM_STEP, "4".into()));
        assert_eq!(run(stepped, None), shard(2, 4));
        // A matching --shard-count is fine; a different one is an error.
        assert_eq!(run(array("2", "0", "3", "4"), Some(4)), shard(2, 4));
        assert!(matches!(
            run(array("2", "0", "3", "4"), Some(8)),
            Err(ShardError::Inconsistent(_))
        ));
        // --array=0,3,7 is not a range of 3 evenly spaced tasks.
        assert!(matches!(
            run(array("3", "0", "7", "3"), None),
            Err(ShardError::Inconsistent(_))
        ));
        // An id outside the array.
        assert!(matches!(
            run(array("9", "0", "3", "4"), None),
            Err(ShardError::Inconsistent(_))
        ));
        // Missing pieces are named.
        assert_eq!(
            with(&[(SLURM_ID, "1"), (SLURM_MIN, "0")], "auto", None),
            Err(ShardError::SlurmMissing { var: SLURM_COUNT })
        );
        assert_eq!(
            with(&[(SLURM_ID, "1"), (SLURM_COUNT, "4")], "auto", None),
            Err(ShardError::SlurmMissing { var: SLURM_MIN })
        );
        // Both schedulers, or none.
        assert_eq!(
            with(&[(SLURM_ID, "1"), (K8S_INDEX, "1")], "auto", Some(4)),
            Err(ShardError::TwoSchedulers)
        );
        assert_eq!(with(&[], "auto", None), Err(ShardError::NoScheduler));
        assert_eq!(
            with(&[(K8S_INDEX, " ")], "auto", None),
            Err(ShardError::NoScheduler),
            "an empty variable counts as unset"
        );
    }
}
