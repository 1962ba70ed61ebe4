//! Concurrent bank transfers in transactions that retry when they collide.
//!
//! Eight tellers move money between ten accounts at the same time. Each transfer reads two
//! balances and writes them back, in a transaction that is re-run when the database reports a
//! conflict; one that would overdraw an account is refused with the example's own error. No
//! money may appear or vanish: the total is checked at the end, and the example fails if it moved.
//!
//! ```text
//! cargo run --example bank                   # embedded SQLite, in a temporary folder
//! cargo run --example bank -- --immediate    # the same with BEGIN IMMEDIATE: no retries needed
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo run --example bank
//! DATABASE_URL=mysql://root@127.0.0.1:3306/test cargo run --example bank
//! ```
//!
//! With `DATABASE_URL` set, the example drops and re-creates the table `bank_accounts` there.

use std::collections::BTreeMap;
use std::fmt;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use covet::observe::{Event, Observer};
use covet::prelude::*;
use covet::{IsolationLevel, PoolOptions, RetryPolicy, SqliteLocking, TransactionOptions};

const ACCOUNTS: u32 = 10;
const OPENING_BALANCE: i64 = 1_000;
const TELLERS: u32 = 8;
const TRANSFERS_PER_TELLER: u32 = 50;
/// Transfers are 1 to 400: large enough that some would overdraw an account and are refused.
const MAX_AMOUNT: u32 = 400;

#[covet::model(table = "bank_accounts")]
struct Account {
    #[covet(primary_key)]
    id: i64,
    owner: String,
    balance: i64,
}

/// The transfers' error type: the example's own, not covet's. The closure forms accept any error
/// that a `covet::Error` converts into, so `?` works on covet's calls inside them.
#[derive(Debug)]
enum BankError {
    InsufficientFunds {
        account: i64,
        balance: i64,
        amount: i64,
    },
    Database(covet::Error),
}

impl From<covet::Error> for BankError {
    fn from(error: covet::Error) -> Self {
        Self::Database(error)
    }
}

impl fmt::Display for BankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InsufficientFunds {
                account,
                balance,
                amount,
            } => {
                write!(f, "account {account} holds {balance}, cannot pay {amount}")
            }
            Self::Database(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for BankError {}

/// Counts retries by what caused them, from covet's events.
#[derive(Default)]
struct Retries(Mutex<BTreeMap<String, u64>>);

impl Observer for Retries {
    fn on_event(&self, event: &Event<'_>) {
        if let Event::TransactionRetry { cause, .. } = event {
            let mut causes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            *causes.entry(format!("{cause:?}")).or_default() += 1;
        }
    }
}

impl Retries {
    fn by_cause(&self) -> String {
        let causes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let causes: Vec<String> = causes
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        causes.join(", ")
    }
}

/// xorshift32: a fixed sequence of picks per teller, good enough here and no dependency. (Which
/// transfers collide, and so the counts printed, still vary with timing from run to run.)
struct Rng(u32);

impl Rng {
    fn below(&mut self, n: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 % n
    }
}

/// Moves `amount` from one account to another, or refuses if the payer cannot afford it.
async fn transfer(
    db: &Database,
    options: TransactionOptions,
    from: i64,
    to: i64,
    amount: i64,
) -> Result<(), BankError> {
    db.transaction_with(options, |tx| {
        Box::pin(async move {
            let mut payer = Account::get(&mut *tx, from).await?;
            if payer.balance < amount {
                // Our own error: the transaction is rolled back and, since the database reported
                // nothing, not retried.
                return Err(BankError::InsufficientFunds {
                    account: from,
                    balance: payer.balance,
                    amount,
                });
            }
            let mut payee = Account::get(&mut *tx, to).await?;
            payer.balance -= amount;
            payee.balance += amount;
            // A conflict here comes back through `?` as our `BankError::Database`; covet still
            // retries, because it decides on what the database said, not on the closure's error.
            payer.update_columns(&mut *tx, Account::balance).await?;
            payee.update_columns(&mut *tx, Account::balance).await?;
            Ok(())
        })
    })
    .await
}

/// One teller's transfers: how many were committed and how many refused.
async fn teller(
    db: Database,
    options: TransactionOptions,
    ids: Vec<i64>,
    seed: u32,
) -> Result<(u32, u32), BankError> {
    let mut rng = Rng(seed);
    let (mut committed, mut refused) = (0, 0);
    for _ in 0..TRANSFERS_PER_TELLER {
        let from = rng.below(ACCOUNTS);
        // Any other account: 1 to ACCOUNTS - 1 places further round the list.
        let to = (from + 1 + rng.below(ACCOUNTS - 1)) % ACCOUNTS;
        let amount = i64::from(1 + rng.below(MAX_AMOUNT));
        match transfer(&db, options, ids[from as usize], ids[to as usize], amount).await {
            Ok(()) => committed += 1,
            Err(BankError::InsufficientFunds { .. }) => refused += 1,
            Err(error) => return Err(error),
        }
    }
    Ok((committed, refused))
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    // Held until the end of `main`: the SQLite file's folder is deleted when it drops.
    let folder = tempfile::tempdir()?;
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) => url,
        Err(_) => format!("sqlite://{}", folder.path().join("bank.db").display()),
    };
    let retries = Arc::new(Retries::default());
    let db = PoolOptions::new()
        .observer(retries.clone())
        .connect(&url)
        .await?;
    println!("connected to {}", db.backend());

    covet::dev::drop_tables(&db, &[Account::TABLE]).await?;
    covet::dev::create_tables(&db, &[Account::TABLE]).await?;
    let mut ids = Vec::new();
    for n in 1..=ACCOUNTS {
        let account = Account {
            id: 0,
            owner: format!("customer {n}"),
            balance: OPENING_BALANCE,
        };
        ids.push(account.insert(&db).await?.id);
    }

    // Every transfer reads balances, then writes what it computed from them. Two concurrent
    // transfers from one account would both read the old balance, and one debit would be lost,
    // unless the database refuses the second: SERIALIZABLE makes PostgreSQL fail it with a
    // serialization failure and MySQL with a deadlock. SQLite is always serializable; in its
    // default DEFERRED mode a transaction that read and then tries to write while another has
    // written fails at once ("database is locked"). Each of those failures is transient, and
    // the retry policy re-runs the transfer from its first read. DEFERRED is used here because
    // it is where retries happen; `--immediate` takes SQLite's write lock at BEGIN instead, so
    // transfers wait for each other (up to the busy timeout) and rarely need a retry: the better
    // choice for write transactions on SQLite, but one with nothing to show.
    let locking = if std::env::args().any(|arg| arg == "--immediate") {
        SqliteLocking::Immediate
    } else {
        SqliteLocking::Deferred
    };
    let options = TransactionOptions::new()
        .isolation(IsolationLevel::Serializable)
        .sqlite_locking(locking)
        .retry(RetryPolicy::new(10));

    let tellers: Vec<_> = (0..TELLERS)
        .map(|n| {
            tokio::spawn(teller(
                db.clone(),
                options,
                ids.clone(),
                0x9E37_79B9 ^ (n + 1),
            ))
        })
        .collect();
    let (mut committed, mut refused) = (0, 0);
    for teller in tellers {
        let (done, declined) = teller.await??;
        committed += done;
        refused += declined;
    }

    let total: i64 = Account::query()
        .all(&db)
        .await?
        .iter()
        .map(|a| a.balance)
        .sum();
    let stats = db.transaction_stats();
    println!("transfers committed: {committed}");
    println!("transfers refused (insufficient funds): {refused}");
    println!("retries: {}", stats.retries);
    if stats.retries > 0 {
        println!("  by cause: {}", retries.by_cause());
    }
    println!("total balance: {total}");
    db.close().await;

    let expected = OPENING_BALANCE * i64::from(ACCOUNTS);
    if total != expected {
        eprintln!("error: the total balance moved from {expected} to {total}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
