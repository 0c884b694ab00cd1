//! A minimal HTTP/1.1 keep-alive client over one `TcpStream`: enough to drive our own server with a known
//! request shape (Content-Length bodies, or chunked ones), without a client crate's own costs in the figures.

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Client {
    stream: TcpStream,
    host: String,
    buffer: Vec<u8>,
    request: Vec<u8>,
}

pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Client {
    pub async fn connect(addr: std::net::SocketAddr) -> anyhow::Result<Client> {
        let stream = TcpStream::connect(addr).await.with_context(|| format!("connecting to {addr}"))?;
        stream.set_nodelay(true)?;
        Ok(Client { stream, host: addr.to_string(), buffer: Vec::with_capacity(16 * 1024), request: Vec::new() })
    }

    pub async fn get(&mut self, path: &str, token: &str) -> anyhow::Result<Response> {
        self.send("GET", path, token, None).await
    }

    pub async fn post_json(&mut self, path: &str, token: &str, body: &[u8]) -> anyhow::Result<Response> {
        self.send("POST", path, token, Some(body)).await
    }

    async fn send(&mut self, method: &str, path: &str, token: &str, body: Option<&[u8]>) -> anyhow::Result<Response> {
        use std::io::Write;
        self.request.clear();
        write!(self.request, "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n", self.host)?;
        if let Some(body) = body {
            write!(self.request, "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len())?;
            self.request.extend_from_slice(body);
        } else {
            self.request.extend_from_slice(b"\r\n");
        }
        self.stream.write_all(&self.request).await?;
        self.read_response().await
    }

    /// Reads one response: the status line, the headers, then a Content-Length or chunked body.
    async fn read_response(&mut self) -> anyhow::Result<Response> {
        let head_end = loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                break end;
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buffer[..head_end]).context("response head is not UTF-8")?;
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .context("no status line")?;
        let mut length = None;
        let mut chunked = false;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else { continue };
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.trim().parse::<usize>().context("bad Content-Length")?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") && value.trim().eq_ignore_ascii_case("chunked") {
                chunked = true;
            }
        }
        self.buffer.drain(..head_end + 4);
        let body = if chunked {
            self.read_chunked().await?
        } else {
            let length = length.unwrap_or(0);
            while self.buffer.len() < length {
                self.fill().await?;
            }
            self.buffer.drain(..length).collect()
        };
        Ok(Response { status, body })
    }

    async fn read_chunked(&mut self) -> anyhow::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(end) = find(&self.buffer, b"\r\n") {
                    break end;
                }
                self.fill().await?;
            };
            let size_text = std::str::from_utf8(&self.buffer[..line_end])?;
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .context("bad chunk size")?;
            self.buffer.drain(..line_end + 2);
            while self.buffer.len() < size + 2 {
                self.fill().await?;
            }
            body.extend_from_slice(&self.buffer[..size]);
            self.buffer.drain(..size + 2);
            if size == 0 {
                return Ok(body);
            }
        }
    }

    async fn fill(&mut self) -> anyhow::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        let read = self.stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("the server closed the connection");
        }
        self.buffer.extend_from_slice(&chunk[..read]);
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}
