//! Shared streaming-XML helpers for the GPX and TCX decoders.
