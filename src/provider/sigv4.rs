//! AWS Signature Version 4 (header signing), checked against the AWS SigV4 test-suite vectors.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Url;
use sha2::{Digest, Sha256};

use super::error::ProviderError;

/// Everything but the RFC 3986 unreserved characters is encoded.
const AWS_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Headers that proxies and the HTTP stack may change; never signed.
const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "content-length",
    "expect",
    "keep-alive",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

pub struct SigningKeyParams<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
    /// `YYYYMMDDTHHMMSSZ`.
    pub amz_date: &'a str,
}

/// The headers to add to the request, plus the intermediate strings (for tests and debugging).
#[derive(Debug, Clone)]
pub struct Signature {
    pub authorization: String,
    pub amz_date: String,
    pub security_token: Option<String>,
    pub canonical_request: String,
    pub string_to_sign: String,
}

/// Formats epoch milliseconds as the `x-amz-date` value.
pub fn amz_date(now_ms: i64) -> Result<String, ProviderError> {
    chrono::DateTime::from_timestamp_millis(now_ms)
        .map(|t| t.format("%Y%m%dT%H%M%SZ").to_string())
        .ok_or_else(|| ProviderError::Signing("clock out of range".into()))
}

pub fn sign(
    method: &str,
    url: &str,
    headers: &BTreeMap<String, String>,
    body: &[u8],
    params: &SigningKeyParams<'_>,
) -> Result<Signature, ProviderError> {
    let parsed = Url::parse(url).map_err(|err| ProviderError::InvalidUrl {
        url: url.to_string(),
        reason: err.to_string(),
    })?;
    let host = match (parsed.host_str(), parsed.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => {
            return Err(ProviderError::InvalidUrl {
                url: url.to_string(),
                reason: "no host".into(),
            });
        }
    };

    let mut canonical: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if UNSIGNED_HEADERS.contains(&lower.as_str()) || lower == "host" {
            continue;
        }
        let value = normalize_header_value(value);
        canonical
            .entry(lower)
            .and_modify(|existing| {
                existing.push(',');
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    canonical.insert("host".into(), host);
    canonical.insert("x-amz-date".into(), params.amz_date.to_string());
    if let Some(token) = params.session_token {
        canonical.insert("x-amz-security-token".into(), token.to_string());
    }

    let signed_headers = canonical.keys().cloned().collect::<Vec<_>>().join(";");
    let canonical_headers: String = canonical
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        canonical_uri(parsed.path()),
        canonical_query(&parsed),
        canonical_headers,
        signed_headers,
        hex::encode(Sha256::digest(body)),
    );

    let date = params.amz_date.get(..8).ok_or_else(|| {
        ProviderError::Signing("x-amz-date must look like YYYYMMDDTHHMMSSZ".into())
    })?;
    let scope = format!("{date}/{}/{}/aws4_request", params.region, params.service);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        params.amz_date,
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );

    let k_date = hmac(
        format!("AWS4{}", params.secret_access_key).as_bytes(),
        date.as_bytes(),
    )?;
    let k_region = hmac(&k_date, params.region.as_bytes())?;
    let k_service = hmac(&k_region, params.service.as_bytes())?;
    let k_signing = hmac(&k_service, b"aws4_request")?;
    let signature = hex::encode(hmac(&k_signing, string_to_sign.as_bytes())?);

    Ok(Signature {
        authorization: format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            params.access_key_id
        ),
        amz_date: params.amz_date.to_string(),
        security_token: params.session_token.map(str::to_string),
        canonical_request,
        string_to_sign,
    })
}

fn hmac(key: &[u8], data: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|_| ProviderError::Signing("HMAC key rejected".into()))?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// Trims and collapses runs of spaces, as SigV4 requires.
fn normalize_header_value(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Non-S3 services encode each path segment once more (the path is already URL-encoded).
fn canonical_uri(path: &str) -> String {
    if path.is_empty() || path == "/" {
        return "/".into();
    }
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, AWS_ENCODE).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

fn canonical_query(url: &Url) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            (
                utf8_percent_encode(&k, AWS_ENCODE).to_string(),
                utf8_percent_encode(&v, AWS_ENCODE).to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    // The AWS SigV4 test suite (aws-sig-v4-test-suite): fixed credentials, date and scope.
    const ACCESS_KEY: &str = "AKIDEXAMPLE";
    const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn suite_params() -> SigningKeyParams<'static> {
        SigningKeyParams {
            access_key_id: ACCESS_KEY,
            secret_access_key: SECRET_KEY,
            session_token: None,
            region: "us-east-1",
            service: "service",
            amz_date: "20150830T123600Z",
        }
    }

    fn authorization(signed_headers: &str, signature: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signed_headers}, Signature={signature}"
        )
    }

    #[test]
    fn get_vanilla() {
        let sig = sign(
            "GET",
            "https://example.amazonaws.com/",
            &BTreeMap::new(),
            b"",
            &suite_params(),
        )
        .expect("signs");
        assert_eq!(
            sig.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sig.authorization,
            authorization(
                "host;x-amz-date",
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            )
        );
    }

    #[test]
    fn post_vanilla_and_query() {
        let sig = sign(
            "POST",
            "https://example.amazonaws.com/",
            &BTreeMap::new(),
            b"",
            &suite_params(),
        )
        .expect("signs");
        assert_eq!(
            sig.authorization,
            authorization(
                "host;x-amz-date",
                "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
            )
        );

        let sig = sign(
            "POST",
            "https://example.amazonaws.com/?Param1=value1",
            &BTreeMap::new(),
            b"",
            &suite_params(),
        )
        .expect("signs");
        assert_eq!(
            sig.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd"
        );
        assert_eq!(
            sig.authorization,
            authorization(
                "host;x-amz-date",
                "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"
            )
        );
    }

    #[test]
    fn get_vanilla_query_order_key_case() {
        let sig = sign(
            "GET",
            "https://example.amazonaws.com/?Param2=value2&Param1=value1",
            &BTreeMap::new(),
            b"",
            &suite_params(),
        )
        .expect("signs");
        assert_eq!(
            sig.authorization,
            authorization(
                "host;x-amz-date",
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
            )
        );
    }

    #[test]
    fn post_x_www_form_urlencoded() {
        let headers = BTreeMap::from([(
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        )]);
        let sig = sign(
            "POST",
            "https://example.amazonaws.com/",
            &headers,
            b"Param1=value1",
            &suite_params(),
        )
        .expect("signs");
        assert_eq!(
            sig.canonical_request,
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
        );
        assert_eq!(
            sig.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"
        );
        assert_eq!(
            sig.authorization,
            authorization(
                "content-type;host;x-amz-date",
                "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
            )
        );
    }

    #[test]
    fn session_token_is_signed_and_arn_paths_are_double_encoded() {
        let params = SigningKeyParams {
            session_token: Some("tok"),
            ..suite_params()
        };
        let sig = sign(
            "POST",
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2%3A1/converse-stream",
            &BTreeMap::new(),
            b"{}",
            &params,
        )
        .expect("signs");
        assert!(
            sig.authorization
                .contains("SignedHeaders=host;x-amz-date;x-amz-security-token")
        );
        assert!(
            sig.canonical_request
                .starts_with("POST\n/model/anthropic.claude-v2%253A1/converse-stream\n")
        );
        assert_eq!(sig.security_token.as_deref(), Some("tok"));
    }

    #[test]
    fn amz_date_format() {
        // 2015-08-30T12:36:00Z
        assert_eq!(amz_date(1_440_938_160_000).expect("ok"), "20150830T123600Z");
    }
}
