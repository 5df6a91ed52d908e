//! A real `data-registry` process on loopback, and the real `data` binary
//! pointed at it with its own `DPM_HOME`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

/// The `data-registry` binary of this workspace, built if needed (cargo
/// builds it for `cargo test --workspace`, not for `-p data-cli` alone).
fn registry_binary() -> PathBuf {
    let data = Path::new(env!("CARGO_BIN_EXE_data"));
    let dir = data.parent().expect("target dir");
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "-p",
            "registry-server",
            "--bin",
            "data-registry",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run cargo build");
    assert!(status.success(), "building data-registry failed");
    dir.join("data-registry")
}

pub struct Registry {
    child: Child,
    pub url: String,
    dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    /// Starts a registry on a free port and waits for its "listening" line.
    pub fn start() -> Registry {
        Registry::start_in(tempfile::tempdir().expect("tempdir"), None, None)
    }

    /// Starts a registry whose blobs are in `storage` (`s3://BUCKET/PREFIX`,
    /// with the `AWS_*` variables of the environment).
    pub fn start_with_storage(storage: &str) -> Registry {
        Registry::start_in(tempfile::tempdir().expect("tempdir"), None, Some(storage))
    }

    /// Starts a registry that tells clients to reach it at `public_url`
    /// (a proxy in front of it, say).
    pub fn start_behind(public_url: &str) -> Registry {
        Registry::start_in(
            tempfile::tempdir().expect("tempdir"),
            Some(public_url),
            None,
        )
    }

    /// Stops this registry (SIGKILL: no graceful end) and starts another on
    /// the same database and blobs, on a new port.
    pub fn restart(mut self) -> Registry {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("tempdir"));
        Registry::start_in(dir, None, None)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("registry-data")
    }

    fn start_in(
        dir: tempfile::TempDir,
        public_url: Option<&str>,
        storage: Option<&str>,
    ) -> Registry {
        let mut command = Command::new(registry_binary());
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path().join("registry-data"));
        if let Some(url) = public_url {
            command.args(["--public-url", url]);
        }
        match storage {
            Some(storage) => command.env("DATA_REGISTRY_STORAGE", storage),
            None => command.env_remove("DATA_REGISTRY_STORAGE"),
        };
        let mut child = command
            .env("DATA_REGISTRY_LOG", "info")
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start data-registry");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent && line.contains("data-registry is listening") {
                    // The bound address, not the public URL (which may be a proxy).
                    if let Some(address) = line.split("address=").nth(1) {
                        let address = address.split_whitespace().next().unwrap_or_default();
                        let _ = tx.send(format!("http://{address}"));
                        sent = true;
                    }
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("data-registry did not start");
        Registry { child, url, dir }
    }

    /// Signs a user up; returns the token.
    pub fn signup(&self, username: &str) -> String {
        let response: Value = reqwest::blocking::Client::new()
            .post(format!("{}/api/auth/signup", self.url))
            .json(&json!({"username": username, "email": format!("{username}@example.org"), "password": "password123"}))
            .send()
            .expect("signup")
            .json()
            .expect("signup json");
        response["token"].as_str().expect("token").to_string()
    }

    /// A `data` user of this registry with a home of their own.
    pub fn user(&self, username: &str) -> User {
        let token = self.signup(username);
        let home = tempfile::tempdir().expect("home");
        let user = User {
            registry: self.url.clone(),
            home,
            token,
        };
        let out = user.data(&["login", "--token", &user.token.clone()], None);
        assert!(out.status.success(), "login: {}", text(&out.stderr));
        user
    }

    pub fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let response = reqwest::blocking::get(format!("{}{path}", self.url)).expect("get");
        let status = response.status().as_u16();
        (status, response.bytes().expect("bytes").to_vec())
    }
}

pub struct User {
    pub registry: String,
    pub home: tempfile::TempDir,
    pub token: String,
}

impl User {
    /// `data ARGS` in `cwd` (default: the user's home), as this user.
    pub fn command(&self, args: &[&str], cwd: Option<&Path>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_data"));
        command
            .args(args)
            .current_dir(cwd.unwrap_or(self.home.path()))
            .env("DPM_HOME", self.home.path().join("dpm"))
            .env("DATA_REGISTRY", &self.registry)
            .env_remove("DATA_TOKEN")
            .env("NO_COLOR", "1");
        command
    }

    /// Runs `data ARGS` in `cwd` (default: the user's home).
    pub fn data(&self, args: &[&str], cwd: Option<&Path>) -> Output {
        let output = self
            .command(args, cwd)
            .stdin(Stdio::null())
            .output()
            .expect("run data");
        // No command ever prints the token.
        let secret = &self.token[4..];
        assert!(
            !text(&output.stdout).contains(secret) && !text(&output.stderr).contains(secret),
            "data {args:?} printed the token"
        );
        output
    }

    /// `data ARGS` with extra environment variables.
    pub fn data_env(&self, args: &[&str], cwd: Option<&Path>, env: &[(&str, &str)]) -> Output {
        let mut command = self.command(args, cwd);
        command.stdin(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().expect("run data")
    }

    /// `data ARGS` on a pseudo-terminal, for answering its prompts.
    #[cfg(unix)]
    pub fn on_terminal(&self, args: &[&str]) -> rexpect::session::PtySession {
        let mut command = self.command(args, None);
        command.env("TERM", "xterm");
        rexpect::session::spawn_command(command, Some(60_000)).expect("spawn data on a pty")
    }

    /// `data ARGS --json`, which must succeed; its JSON.
    pub fn json(&self, args: &[&str], cwd: Option<&Path>) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.data(&all, cwd);
        assert!(
            out.status.success(),
            "data {all:?} failed: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json output")
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The real packages shipped with the tests.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/datasets")
}

/// Copies a folder (for tests that change a package).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A TCP proxy to `upstream` that, once `limit` bytes have gone from client
/// to server, runs `on_cut` (say, kill the server) and drops the
/// connection: an upload cut off half way, deterministically.
pub struct CuttingProxy {
    pub url: String,
    upstream: std::sync::Arc<std::sync::Mutex<String>>,
}

impl CuttingProxy {
    /// A proxy whose upstream is set later with [`CuttingProxy::connect_to`].
    pub fn start(limit: u64, on_cut: impl Fn() + Send + Sync + 'static) -> CuttingProxy {
        use std::io::{Read, Write};
        use std::net::{TcpListener, TcpStream};
        use std::sync::atomic::{AtomicU64, Ordering};
        use std::sync::Arc;
        let upstream = Arc::new(std::sync::Mutex::new(String::new()));
        let target = upstream.clone();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let sent = Arc::new(AtomicU64::new(0));
        let on_cut = Arc::new(on_cut);
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                let address = target.lock().map(|a| a.clone()).unwrap_or_default();
                let Ok(server) = TcpStream::connect(&address) else {
                    continue;
                };
                let (sent, on_cut) = (sent.clone(), on_cut.clone());
                let (mut client_read, mut server_write) = (
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                let (mut server_read, mut client_write) = (server, client);
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut server_read, &mut client_write);
                });
                std::thread::spawn(move || {
                    let mut buf = [0u8; 64 * 1024];
                    loop {
                        let n = match client_read.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        if sent.fetch_add(n as u64, Ordering::SeqCst) + n as u64 > limit {
                            on_cut();
                            let _ = client_read.shutdown(std::net::Shutdown::Both);
                            let _ = server_write.shutdown(std::net::Shutdown::Both);
                            break;
                        }
                        if server_write.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        CuttingProxy { url, upstream }
    }

    pub fn connect_to(&self, upstream_url: &str) {
        if let Ok(mut address) = self.upstream.lock() {
            *address = upstream_url.trim_start_matches("http://").to_string();
        }
    }
}
