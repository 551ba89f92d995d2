//! The Prometheus recorder behind `/metrics`, installed once per process.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// The process-wide handle that renders `/metrics`.
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder was installed first; `/metrics` then shows
        // nothing from this one, which is the least surprising outcome.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}
