//! Per-device request limits: a token bucket per device, in memory. A phone stuck in a retry
//! loop slows to the refill rate instead of crowding out everyone else. Each server process
//! keeps its own buckets; behind a load balancer the limit is per process, which is enough to
//! stop a runaway client.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::http::StatusCode;

use crate::error::ApiError;

#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// Requests a device may make at once after being idle.
    pub burst: f64,
    /// Requests per second a device may keep up.
    pub per_second: f64,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            burst: 60.0,
            per_second: 20.0,
        }
    }
}

#[derive(Debug)]
pub struct Limiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(limit: RateLimit) -> Limiter {
        Limiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, device_id: &str) -> Result<(), ApiError> {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        let (tokens, last) = buckets
            .entry(device_id.to_string())
            .or_insert((self.limit.burst, now));
        let refilled = (*tokens + now.duration_since(*last).as_secs_f64() * self.limit.per_second)
            .min(self.limit.burst);
        *last = now;
        if refilled < 1.0 {
            *tokens = refilled;
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests from this device; wait a moment and retry",
            ));
        }
        *tokens = refilled - 1.0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_per_device() {
        let l = Limiter::new(RateLimit {
            burst: 3.0,
            per_second: 0.001,
        });
        for _ in 0..3 {
            assert!(l.check("a").is_ok());
        }
        assert_eq!(l.check("a").map_err(|e| e.code), Err("rate_limited"));
        assert!(l.check("b").is_ok(), "another device has its own bucket");
    }
}
