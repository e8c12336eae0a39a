//! Evidence for a baseline: what the migrations up to a version create, and whether a live
//! database holds it.
