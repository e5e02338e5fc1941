//! Typed identifiers, so component ids, link ids and write-up slugs never mix.

use std::fmt;
use std::sync::Arc;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Shared, immutable text: a clone is a reference count, not a copy (a big diagram
        /// clones each id into several indexes).
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Wraps a string that has already been checked by [`is_valid_id`].
            pub fn new(id: impl Into<Arc<str>>) -> Self {
                Self(id.into())
            }

            /// The id as written in the file.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// The stable id of a component in a diagram, e.g. `a-raft`.
    ComponentId
);
string_id!(
    /// The stable id of a link in a diagram, e.g. `cable`.
    LinkId
);
string_id!(
    /// The slug naming a write-up, e.g. `raft-protocol`; also its file name.
    WriteupSlug
);

/// Ids and slugs are short, lowercase and URL-safe so they can appear in deep links:
/// ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    id.len() <= 64
        && first.is_ascii_alphanumeric()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}
