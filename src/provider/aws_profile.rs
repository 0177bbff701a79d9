//! Reads one profile's static keys from an AWS shared credentials file's text
//! (`~/.aws/credentials` or `AWS_SHARED_CREDENTIALS_FILE`; the caller reads the file).

use super::input::AwsCredentials;
use super::secret::Secret;

/// The credentials of `profile` (default `default`), if the file has both keys.
pub fn parse_credentials(text: &str, profile: Option<&str>) -> Option<AwsCredentials> {
    let wanted = profile.unwrap_or("default");
    let mut in_section = false;
    let mut access_key_id = None;
    let mut secret_access_key = None;
    let mut session_token = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = section.trim();
            let name = name.strip_prefix("profile ").unwrap_or(name).trim();
            in_section = name == wanted;
            continue;
        }
        if !in_section {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().to_string();
        match key.trim() {
            "aws_access_key_id" => access_key_id = Some(value),
            "aws_secret_access_key" => secret_access_key = Some(Secret::new(value)),
            "aws_session_token" => session_token = Some(Secret::new(value)),
            _ => {}
        }
    }
    Some(AwsCredentials {
        access_key_id: access_key_id?,
        secret_access_key: secret_access_key?,
        session_token,
    })
}

/// Where the shared credentials file is, from the session's env snapshot.
pub fn credentials_path(
    env: &std::collections::HashMap<String, String>,
) -> Option<std::path::PathBuf> {
    if let Some(path) = env
        .get("AWS_SHARED_CREDENTIALS_FILE")
        .filter(|p| !p.is_empty())
    {
        return Some(path.into());
    }
    let home = env.get("HOME").or_else(|| env.get("USERPROFILE"))?;
    Some(std::path::Path::new(home).join(".aws").join("credentials"))
}

/// Reads `profile` from the shared credentials file the env snapshot points at; `Ok(None)` when
/// there is no file or no such profile.
pub async fn load_profile_credentials(
    env: &std::collections::HashMap<String, String>,
    profile: Option<&str>,
) -> std::io::Result<Option<AwsCredentials>> {
    let Some(path) = credentials_path(env) else {
        return Ok(None);
    };
    match tokio::fs::read_to_string(&path).await {
        Ok(text) => Ok(parse_credentials(&text, profile)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n\n[dev]\naws_access_key_id=AKIDDEV\naws_secret_access_key=s2\naws_session_token = t2\n[broken]\naws_access_key_id=X\n";

    #[test]
    fn picks_the_named_profile() {
        let default = parse_credentials(FILE, None).expect("default");
        assert_eq!(default.access_key_id, "AKIDDEFAULT");
        assert!(default.session_token.is_none());
        let dev = parse_credentials(FILE, Some("dev")).expect("dev");
        assert_eq!(dev.access_key_id, "AKIDDEV");
        assert_eq!(dev.secret_access_key.expose(), "s2");
        assert_eq!(dev.session_token.as_ref().map(Secret::expose), Some("t2"));
        assert!(parse_credentials(FILE, Some("broken")).is_none());
        assert!(parse_credentials(FILE, Some("missing")).is_none());
    }

    #[test]
    fn path_from_env_snapshot() {
        let env = std::collections::HashMap::from([("HOME".to_string(), "/home/u".to_string())]);
        assert_eq!(
            credentials_path(&env),
            Some("/home/u/.aws/credentials".into())
        );
    }

    #[tokio::test]
    async fn loads_from_the_file_the_env_names() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("credentials");
        std::fs::write(&path, FILE).expect("write");
        let env = std::collections::HashMap::from([(
            "AWS_SHARED_CREDENTIALS_FILE".to_string(),
            path.display().to_string(),
        )]);
        let dev = load_profile_credentials(&env, Some("dev"))
            .await
            .expect("io")
            .expect("profile");
        assert_eq!(dev.access_key_id, "AKIDDEV");
        let missing = std::collections::HashMap::from([(
            "AWS_SHARED_CREDENTIALS_FILE".to_string(),
            dir.path().join("nope").display().to_string(),
        )]);
        assert!(
            load_profile_credentials(&missing, None)
                .await
                .expect("io")
                .is_none()
        );
    }
}
