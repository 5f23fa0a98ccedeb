mod common;
mod demo;
