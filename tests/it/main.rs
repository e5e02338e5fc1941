//! The one integration-test binary (Bevy is linked once). One module per area; shared helpers
//! live in `support`.

mod app_a11y;
mod app_files;
mod app_keys;
mod app_lab;
mod app_links;
mod app_panels;
mod app_pointer;
mod app_reader;
mod app_speaker;
mod app_touch;
mod app_tours;
mod app_view;
mod architecture;
mod authoring;
mod cli;
mod cluster;
mod cluster_scenarios;
mod content;
mod corpus;
mod lab;
mod layout;
mod model;
mod site;
mod support;
mod themes;
mod tours;
mod writeups;

pub use support::repo;
