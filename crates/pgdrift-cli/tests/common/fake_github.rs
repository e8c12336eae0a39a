//! A tiny stand-in for the part of GitHub's REST API the action uses — listing, creating and
//! updating the comments of one pull request — on a loopback port, recording each request.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One request the server answered.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub authorization: String,
    pub body: String,
}

#[derive(Debug, Default)]
pub struct State {
    /// (id, body) of the pull request's comments.
    pub comments: Vec<(u64, String)>,
    pub requests: Vec<Request>,
}

/// The server: its base URL, and what it holds and saw.
#[derive(Debug, Clone)]
pub struct FakeGithub {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl FakeGithub {
    /// Serves repository `repo`'s pull request `pr`, which holds `comments` already.
    pub fn start(repo: &str, pr: u64, comments: &[&str]) -> FakeGithub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(State {
            comments: (comments.iter().enumerate())
                .map(|(i, c)| (i as u64 + 1, c.to_string()))
                .collect(),
            requests: Vec::new(),
        }));
        let shared = state.clone();
        let prefix = format!("/repos/{repo}");
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve(stream, &shared, &prefix, pr);
            }
        });
        FakeGithub { url, state }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().expect("state").requests.clone()
    }

    pub fn comments(&self) -> Vec<(u64, String)> {
        self.state.lock().expect("state").comments.clone()
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, prefix: &str, pr: u64) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    let (status, body) = {
        let mut s = state.lock().expect("state");
        let answer = route(&mut s, &request, prefix, pr);
        s.requests.push(request);
        answer
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = (&stream).write_all(reply.as_bytes());
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let (mut length, mut authorization) = (0usize, String::new());
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "authorization" => authorization = value.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        authorization,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn route(s: &mut State, r: &Request, prefix: &str, pr: u64) -> (&'static str, String) {
    let list = format!("{prefix}/issues/{pr}/comments");
    let edit = format!("{prefix}/issues/comments/");
    let comment =
        |id: u64, body: &str| json!({ "id": id, "body": body, "user": { "login": "bot" } });
    let new_body = || {
        serde_json::from_str::<Value>(&r.body).ok()?["body"]
            .as_str()
            .map(String::from)
    };
    match r.method.as_str() {
        "GET" if r.path.starts_with(&format!("{list}?")) => {
            let page = r.path.ends_with("&page=1") || !r.path.contains("page=");
            let items: Vec<Value> = match page {
                true => s.comments.iter().map(|(id, b)| comment(*id, b)).collect(),
                false => Vec::new(),
            };
            ("200 OK", Value::Array(items).to_string())
        }
        "POST" if r.path == list => match new_body() {
            Some(body) => {
                let id = 100 + s.comments.len() as u64;
                s.comments.push((id, body.clone()));
                ("201 Created", comment(id, &body).to_string())
            }
            None => ("422 Unprocessable Entity", "{}".into()),
        },
        "PATCH" if r.path.starts_with(&edit) => {
            let id: Option<u64> = r.path[edit.len()..].parse().ok();
            let found = s.comments.iter_mut().find(|(c, _)| Some(*c) == id);
            match (found, new_body()) {
                (Some(c), Some(body)) => {
                    c.1 = body;
                    ("200 OK", comment(c.0, &c.1).to_string())
                }
                _ => ("404 Not Found", "{}".into()),
            }
        }
        _ => ("404 Not Found", r#"{"message":"Not Found"}"#.into()),
    }
}
