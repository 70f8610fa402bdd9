//! Integration tests of the simulator, through a plain HTTPS client (one test binary).
