//! `GET /metrics`: requests by route and status, evaluation latency, the
//! outcomes of the requirements evaluated by spec, the state of the
//! loaded specs, and the connections open and closed on the header
//! timeout, in the OpenMetrics text format that Prometheus scrapes.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The media type of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A request's route (the route pattern, never the raw path), method and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `/v1/specs/{id}/evaluate`, or `pages` for the static pages and any path not routed.
    pub route: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// `200`, `422`, ...
    pub status: String,
}

/// A spec id.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SpecLabels {
    /// The spec's id.
    pub spec: String,
}

/// A spec id and a requirement outcome or evaluation result.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// The spec's id.
    pub spec: String,
    /// `met`, `not_met`, `incomplete`, `not_applicable`; or for evaluations
    /// `report` or `refused`.
    pub outcome: String,
}

/// A reload's result.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReloadLabels {
    /// `ok` (every spec compiled), `failures` (some did not) or `error`
    /// (the folder could not be read).
    pub result: String,
}

type Histograms = Family<SpecLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 20 µs .. about 650 ms
    Histogram::new(exponential_buckets(0.000_02, 2.0, 16))
}

/// Every metric the server keeps.
pub struct Metrics {
    registry: Registry,
    /// Requests by route, method and status.
    pub requests: Family<RequestLabels, Counter>,
    /// Time to evaluate one submission (the engine only), by spec.
    pub evaluation_seconds: Histograms,
    /// Evaluations by spec and result (`report`, `refused`).
    pub evaluations: Family<OutcomeLabels, Counter>,
    /// Requirement outcomes in the reports made, by spec and outcome.
    pub outcomes: Family<OutcomeLabels, Counter>,
    /// Specs served.
    pub specs_loaded: Gauge,
    /// Spec files that did not compile at the last load.
    pub spec_failures: Gauge,
    /// Loads by result.
    pub reloads: Family<ReloadLabels, Counter>,
    /// HTTP connections open now.
    pub connections_open: Gauge,
    /// Connections closed because their client did not send a request's
    /// headers within the header timeout (idle kept-alive ones included).
    pub header_timeouts: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A registry with every metric, all zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("netspec");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        let evaluation_seconds: Histograms = Family::new_with_constructor(latency_histogram);
        registry.register(
            "evaluation_seconds",
            "Time to evaluate one submission, JSON bytes to report bytes, by spec",
            evaluation_seconds.clone(),
        );
        let evaluations = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "evaluations",
            "Submissions evaluated, by spec and result (report, refused)",
            evaluations.clone(),
        );
        let outcomes = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "requirement_outcomes",
            "Requirement outcomes in the reports made, by spec and outcome",
            outcomes.clone(),
        );
        let specs_loaded = Gauge::default();
        registry.register("specs_loaded", "Specs served", specs_loaded.clone());
        let spec_failures = Gauge::default();
        registry.register(
            "spec_failures",
            "Spec files that did not compile at the last load",
            spec_failures.clone(),
        );
        let reloads = Family::<ReloadLabels, Counter>::default();
        registry.register(
            "spec_loads",
            "Loads of the specs folder, by result (ok, failures, error)",
            reloads.clone(),
        );
        let connections_open = Gauge::default();
        registry.register(
            "connections_open",
            "HTTP connections open now",
            connections_open.clone(),
        );
        let header_timeouts = Counter::default();
        registry.register(
            "header_timeouts",
            "Connections closed because a request's headers did not arrive within the header timeout (idle kept-alive ones included)",
            header_timeouts.clone(),
        );
        Metrics {
            registry,
            requests,
            evaluation_seconds,
            evaluations,
            outcomes,
            specs_loaded,
            spec_failures,
            reloads,
            connections_open,
            header_timeouts,
        }
    }

    /// Counts one answered request.
    pub fn request(&self, route: &str, method: &str, status: u16) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                method: method.to_string(),
                status: status.to_string(),
            })
            .inc();
    }

    /// Records one evaluation of `spec`: how long it took, and the
    /// outcomes of its report (`None`: the submission was refused).
    pub fn evaluation<'a>(
        &self,
        spec: &str,
        seconds: f64,
        outcomes: Option<impl Iterator<Item = &'a str>>,
    ) {
        let label = SpecLabels {
            spec: spec.to_string(),
        };
        self.evaluation_seconds
            .get_or_create(&label)
            .observe(seconds);
        let result = if outcomes.is_some() {
            "report"
        } else {
            "refused"
        };
        self.evaluations
            .get_or_create(&OutcomeLabels {
                spec: spec.to_string(),
                outcome: result.to_string(),
            })
            .inc();
        if let Some(outcomes) = outcomes {
            let mut counts: Vec<(&str, u64)> = Vec::new();
            for o in outcomes {
                match counts.iter_mut().find(|(name, _)| *name == o) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((o, 1)),
                }
            }
            for (o, n) in counts {
                self.outcomes
                    .get_or_create(&OutcomeLabels {
                        spec: spec.to_string(),
                        outcome: o.to_string(),
                    })
                    .inc_by(n);
            }
        }
    }

    /// The metrics as OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
            text.push_str("# EOF\n");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_in_the_text() {
        let m = Metrics::new();
        m.request("/v1/specs/{id}/evaluate", "POST", 200);
        m.request("/v1/specs/{id}/evaluate", "POST", 200);
        m.request("/healthz", "GET", 200);
        m.evaluation("acc", 0.000_1, Some(["met", "not_met", "met"].into_iter()));
        m.evaluation("acc", 0.000_05, None::<std::iter::Empty<&str>>);
        m.specs_loaded.set(12);
        let text = m.encode();
        assert!(text.contains(
            "netspec_http_requests_total{route=\"/v1/specs/{id}/evaluate\",method=\"POST\",status=\"200\"} 2\n"
        ), "{text}");
        assert!(
            text.contains("netspec_requirement_outcomes_total{spec=\"acc\",outcome=\"met\"} 2\n")
        );
        assert!(text
            .contains("netspec_requirement_outcomes_total{spec=\"acc\",outcome=\"not_met\"} 1\n"));
        assert!(text.contains("netspec_evaluations_total{spec=\"acc\",outcome=\"refused\"} 1\n"));
        assert!(text.contains("netspec_evaluation_seconds_count{spec=\"acc\"} 2\n"));
        // 100 µs falls in the 160 µs bucket, not the 80 µs one; 50 µs in the 80 µs one
        assert!(text.contains("netspec_evaluation_seconds_bucket{le=\"0.00008\",spec=\"acc\"} 1\n"));
        assert!(text.contains("netspec_evaluation_seconds_bucket{le=\"0.00004\",spec=\"acc\"} 0\n"));
        assert!(text.contains("netspec_evaluation_seconds_bucket{le=\"0.00016\",spec=\"acc\"} 2\n"));
        assert!(text.contains("netspec_specs_loaded 12\n"));
        assert!(text.ends_with("# EOF\n"));
    }
}
