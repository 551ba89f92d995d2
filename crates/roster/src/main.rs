//! The `roster` binary: parses settings, opens the database, runs migrations and
//! serves the application until SIGTERM or Ctrl-C.

mod cli;

use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;
use roster_domain::Secret;
use roster_server::{AppState, OidcProvider, SecretString, ServerConfig, SignupMode};
use roster_store::Store;
use tokio::net::TcpListener;

use crate::cli::{Cli, Command, LogFormat, ServeArgs};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            init_logging(args.log_format);
            serve(args).await
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ROSTER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let database_url = match &args.database_url {
        Some(url) => url.clone(),
        None => {
            std::fs::create_dir_all(&args.data_dir).with_context(|| {
                format!("cannot create data directory {}", args.data_dir.display())
            })?;
            format!(
                "sqlite://{}?mode=rwc",
                args.data_dir.join("roster.db").display()
            )
        }
    };
    let store = Store::connect(&database_url, args.max_connections)
        .await
        .context("cannot open the database")?;
    tracing::info!(backend = store.backend().name(), database = %cli::redact(&database_url), "database opened");
    let applied = store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    tracing::info!(applied, "migrations applied");

    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let public_url = match &args.public_url {
        Some(url) => url.clone(),
        None => format!("http://{addr}").parse()?,
    };

    let mut config = ServerConfig::new(public_url);
    config.signup = args.signup.into();
    config.sessions.idle_timeout = args.session_idle_timeout.into();
    config.sessions.absolute_lifetime = args.session_lifetime.into();
    config.auth_attempts_per_minute = args.auth_attempts_per_minute;
    config.trust_forwarded_for = args.trust_forwarded_for;
    config.oidc = oidc_provider(&args)?.into_iter().collect();
    let state = AppState::new(store.clone(), config.clone());
    arm_setup_link(&state, &store, &config).await?;

    tokio::spawn(purge_sessions_hourly(state.clone()));
    let app = roster_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The OpenID Connect provider of the flags, if a client id is given.
fn oidc_provider(args: &ServeArgs) -> anyhow::Result<Option<OidcProvider>> {
    let Some(client_id) = args.oidc_client_id.clone() else {
        return Ok(None);
    };
    let secret = match (&args.oidc_client_secret, &args.oidc_client_secret_file) {
        (Some(secret), _) => secret.clone(),
        (None, Some(file)) => std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the OIDC client secret from {}", file.display()))?
            .trim()
            .to_owned(),
        (None, None) => {
            anyhow::bail!("--oidc-client-id needs a client secret (ROSTER_OIDC_CLIENT_SECRET)")
        }
    };
    let google = args.oidc_issuer.host_str() == Some("accounts.google.com");
    let provider = OidcProvider {
        name: if google { "google" } else { "sso" }.to_owned(),
        label: args
            .oidc_label
            .clone()
            .unwrap_or_else(|| if google { "Google" } else { "single sign-on" }.to_owned()),
        issuer: args.oidc_issuer.clone(),
        client_id,
        client_secret: SecretString::new(secret),
    };
    tracing::info!(provider = %provider.name, issuer = %provider.issuer, "sign-in with openid connect enabled");
    Ok(Some(provider))
}

/// On an empty invite-only instance, prints the one-time link that creates the first
/// account. This is the only secret Roster ever writes to its log, by design.
async fn arm_setup_link(
    state: &AppState,
    store: &Store,
    config: &ServerConfig,
) -> anyhow::Result<()> {
    if config.signup != SignupMode::InviteOnly {
        return Ok(());
    }
    let mut conn = store.conn().await?;
    if roster_store::users::any_exist(&mut conn).await? {
        return Ok(());
    }
    let secret = Secret::generate();
    state.arm_setup_token(secret.hash());
    tracing::warn!(
        "no account exists yet; create the first one at {}/signup?setup={}",
        config.base_url(),
        secret.expose()
    );
    Ok(())
}

/// Deletes unusable sessions at start-up and every hour after.
async fn purge_sessions_hourly(state: AppState) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        match roster_server::accounts::purge_sessions(&state).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "expired and revoked sessions deleted"),
            Err(err) => tracing::warn!(code = err.code(), "could not delete expired sessions"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
