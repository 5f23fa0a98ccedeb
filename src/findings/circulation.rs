//! Poor circulation: nothing in a watch file measures it, so advice only.

use super::{Cause, Finding, Inputs, Rule};

const ADVICE: &str = "If heavy legs come with swelling, visible veins, cramping at rest, skin \
     colour changes or leg pain when walking, talk to a doctor. Otherwise, moving regularly \
     through the day and elevating the legs after long runs are common, harmless suggestions.";

pub(super) fn assess(_inputs: &Inputs) -> Finding {
    Rule {
        cause: Cause::Circulation,
        threshold: "none: no watch-derived measure of circulation exists".to_string(),
        fields: &[],
        advice: ADVICE,
    }
    .not_assessable(
        "Circulation cannot be measured from running files. If the heaviness does not fit the \
         training patterns above, a doctor can check it.",
    )
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::super::testkit::*;
    use super::*;
    use crate::profile::AthleteProfile;
    use crate::thresholds::Thresholds;

    #[test]
    fn always_not_assessable_even_with_runs() {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let ms = vec![run(d(2026, 1, 5), 3600.0, 10.0)];
        let vs = views(&ms);
        let f = assess(&Inputs {
            runs: &vs,
            ..Inputs::new(&profile, &t)
        });
        assert_eq!(f.status, Status::NotAssessable);
        assert!(f.evidence.is_empty());
        assert!(f.advice.contains("doctor"));
    }
}
