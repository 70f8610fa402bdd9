//! Integration tests of the simulator through a plain HTTPS client (one test binary: cheap links).

mod common;

mod auth;
mod cli;
mod collector;
mod concurrency;
mod cosmos;
mod faults;
mod generator;
mod net;
mod routes;
mod tls;
