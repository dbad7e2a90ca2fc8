//! The frame both shipped model files use: 8 magic bytes, a little-endian u32 format
//! version, then a postcard body. Each model module maps `FrameError` to its own error
//! (which says how to rebuild that file).
//!
//! Invariant: a body is decoded only after its magic and version matched.

use serde::{de::DeserializeOwned, Serialize};

#[derive(Debug, PartialEq, Eq)]
pub enum FrameError {
    BadMagic,
    Version { found: u32 },
    Corrupt(String),
}

pub fn encode<T: Serialize>(magic: &[u8; 8], version: u32, body: &T) -> Result<Vec<u8>, FrameError> {
    let mut out = magic.to_vec();
    out.extend_from_slice(&version.to_le_bytes());
    out.extend(postcard::to_stdvec(body).map_err(|e| FrameError::Corrupt(e.to_string()))?);
    Ok(out)
}

pub fn decode<T: DeserializeOwned>(magic: &[u8; 8], version: u32, bytes: &[u8]) -> Result<T, FrameError> {
    if bytes.len() < 12 || &bytes[..8] != magic {
        return Err(FrameError::BadMagic);
    }
    let found = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if found != version {
        return Err(FrameError::Version { found });
    }
    postcard::from_bytes(&bytes[12..]).map_err(|e| FrameError::Corrupt(e.to_string()))
}
