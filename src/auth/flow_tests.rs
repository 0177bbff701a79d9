//! End-to-end sign-in flows against mock OAuth and device servers on 127.0.0.1.
