//! Relay connections: every list that can grow is paged with `first`/`after` (forward) or
//! `last`/`before` (backward), the same way whatever it lists.
//!
//! A cursor names the item it follows (`k:` and the item's key, opaque to clients), so a
//! cursor stays valid across ingests that grow or reorder the list: the next page starts
//! right after that item in the current order. Lists come in a stable order (ties broken
//! by key), so paging to the end visits every item exactly once. Each page's items are
//! charged into the request budget before they are built.

use super::{charge, error, ErrorCode, MAX_PAGE_SIZE};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, OutputType, SimpleObject};
use std::borrow::Cow;

/// A connection of `T` with `totalCount`.
pub type Page<T> = Connection<String, T, ConnectionFields>;

#[derive(SimpleObject)]
#[graphql(serial)]
pub struct ConnectionFields {
    /// Number of items across all pages.
    pub total_count: usize,
}

/// What an item of a connection is known by in its cursor: unique within its list.
pub trait Keyed {
    fn key(&self) -> Cow<'_, str>;
}

/// The page a client asked for, checked: `first` (default `default_size`) counted from
/// just after `after`, or `last` counted back from just before `before`.
pub struct PageArgs {
    after: Option<String>,
    before: Option<String>,
    size: usize,
    from_end: bool,
}

impl PageArgs {
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        default_size: usize,
    ) -> async_graphql::Result<Self> {
        let (size, from_end) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(error(
                    ErrorCode::BadInput,
                    "give `first` (with `after`) or `last` (with `before`), not both",
                ))
            }
            (Some(n), None) => (checked_size("first", n)?, false),
            (None, Some(n)) => (checked_size("last", n)?, true),
            (None, None) if before.is_some() => (default_size, true),
            (None, None) => (default_size, false),
        };
        Ok(Self { after, before, size, from_end })
    }

    /// The range of a list of `total` items this page covers, as `(start, end)` indexes;
    /// `key_at(i)` is the key of item `i`.
    pub fn range<'k>(
        &self,
        key_at: &impl Fn(usize) -> Cow<'k, str>,
        total: usize,
    ) -> async_graphql::Result<(usize, usize)> {
        let find = |cursor: &str| -> async_graphql::Result<usize> {
            let key = cursor
                .strip_prefix("k:")
                .ok_or_else(|| error(ErrorCode::BadInput, format!("cursor {cursor:?} is not one this API gave out")))?;
            (0..total).position(|i| key_at(i) == key).ok_or_else(|| {
                error(
                    ErrorCode::NotFound,
                    format!("cursor {cursor:?} names an item no longer in this list; start again without it"),
                )
            })
        };
        let low = match &self.after {
            Some(c) => find(c)? + 1,
            None => 0,
        };
        let high = match &self.before {
            Some(c) => find(c)?,
            None => total,
        };
        let high = high.max(low);
        Ok(if self.from_end {
            (high.saturating_sub(self.size).max(low), high)
        } else {
            (low, (low + self.size).min(high))
        })
    }

    /// This page of `items`, charged into the answer.
    pub fn of<T: OutputType + Keyed>(&self, ctx: &Context<'_>, items: Vec<T>) -> async_graphql::Result<Page<T>> {
        let total = items.len();
        let (start, end) = self.range(&|i| items[i].key(), total)?;
        charge(ctx, end - start, 0)?;
        Ok(connection(items.into_iter().skip(start).take(end - start).collect(), start, total))
    }
}

/// A connection holding `page`, the items from index `start` of a list of `total`.
pub fn connection<T: OutputType + Keyed>(page: Vec<T>, start: usize, total: usize) -> Page<T> {
    let end = start + page.len();
    let mut conn = Connection::with_additional_fields(start > 0, end < total, ConnectionFields { total_count: total });
    conn.edges.extend(page.into_iter().map(|item| Edge::new(format!("k:{}", item.key()), item)));
    conn
}

/// A page size a client gave as `name`, checked against `MAX_PAGE_SIZE`.
pub fn checked_size(name: &str, n: i32) -> async_graphql::Result<usize> {
    match n {
        n if n < 0 => Err(error(ErrorCode::BadInput, format!("`{name}` must not be negative"))),
        n if n as usize > MAX_PAGE_SIZE => {
            Err(error(ErrorCode::LimitExceeded, format!("`{name}` is {n}; the page size limit is {MAX_PAGE_SIZE}")))
        }
        n => Ok(n as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("x{i}")).collect()
    }

    fn range(args: &PageArgs, keys: &[String]) -> (usize, usize) {
        args.range(&|i| Cow::Borrowed(keys[i].as_str()), keys.len()).expect("a valid page")
    }

    fn forward(first: Option<i32>, after: Option<String>) -> PageArgs {
        PageArgs::new(first, after, None, None, 20).expect("args")
    }

    #[test]
    fn forward_and_backward_pages_cover_the_list_once() {
        let list = keys(7);
        let (mut visited, mut after) = (Vec::new(), None);
        loop {
            let (start, end) = range(&forward(Some(3), after.clone()), &list);
            visited.extend(start..end);
            if end == list.len() {
                break;
            }
            after = Some(format!("k:{}", list[end - 1]));
        }
        assert_eq!(visited, (0..7).collect::<Vec<_>>());
        let (mut backward, mut before) = (Vec::new(), None);
        loop {
            let (start, end) = range(&PageArgs::new(None, None, Some(3), before.clone(), 20).expect("args"), &list);
            backward.splice(0..0, start..end);
            if start == 0 {
                break;
            }
            before = Some(format!("k:{}", list[start]));
        }
        assert_eq!(backward, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn a_window_between_two_cursors_and_an_empty_page() {
        let list = keys(7);
        let between = PageArgs::new(Some(10), Some("k:x1".into()), None, Some("k:x5".into()), 20).expect("args");
        assert_eq!(range(&between, &list), (2, 5));
        assert_eq!(range(&forward(Some(0), None), &list), (0, 0));
        assert!(PageArgs::new(Some(1), None, Some(1), None, 20).is_err());
        assert!(PageArgs::new(Some(-1), None, None, None, 20).is_err());
        assert!(PageArgs::new(Some(101), None, None, None, 20).is_err());
        let unknown = forward(Some(1), Some("k:gone".into()));
        assert!(unknown.range(&|i| Cow::Borrowed(list[i].as_str()), list.len()).is_err());
    }
}
