//! Relay connections: every list that can grow is paged with `first`/`after` (forward) or
//! `last`/`before` (backward), the same way whatever it lists.
//!
//! A cursor names the item it follows (`k:` and the item's key, opaque to clients), so a
//! cursor stays valid across ingests that grow or reorder the list: the next page starts
//! right after that item in the current order. Lists come in a stable order (ties broken
//! by key), so paging to the end visits every item exactly once. Each page's items are
//! charged into the request budget before they are built.

use super::{charge, error, ErrorCode, MAX_PAGE_SIZE};
use async_graphql::{Context, Object, OutputType, SimpleObject, TypeName};
use std::borrow::Cow;

/// A page of a list of `T`: a Relay connection (`<T>Connection`) with `totalCount`.
///
/// Ours rather than async-graphql's `Connection`, which resolves the fields of every
/// connection and edge concurrently (a `FuturesUnordered` per object); these resolve them
/// one after another, as every object type does (3–8 % less server time per entity page,
/// measured side by side; docs/performance.md).
pub struct Page<T> {
    edges: Vec<PageEdge<T>>,
    has_previous_page: bool,
    has_next_page: bool,
    total_count: usize,
}

// The SDL carries no description for connection types (as async-graphql printed them).
#[Object(name_type, serial)]
impl<T: Keyed + OutputType> Page<T> {
    /// Information to aid in pagination.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            start_cursor: self.edges.first().map(|e| e.cursor.clone()),
            end_cursor: self.edges.last().map(|e| e.cursor.clone()),
        }
    }
    /// A list of edges.
    async fn edges(&self) -> &[PageEdge<T>] {
        &self.edges
    }
    /// A list of nodes.
    async fn nodes(&self) -> Vec<&T> {
        self.edges.iter().map(|e| &e.node).collect()
    }
    /// Number of items across all pages.
    async fn total_count(&self) -> usize {
        self.total_count
    }
}

impl<T: Keyed> TypeName for Page<T> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(T::CONNECTION)
    }
}

/// One item of a page, with its cursor.
pub struct PageEdge<T> {
    cursor: String,
    node: T,
}

/// An edge in a connection.
#[Object(name_type, serial)]
impl<T: Keyed + OutputType> PageEdge<T> {
    /// The item at the end of the edge
    async fn node(&self) -> &T {
        &self.node
    }
    /// A cursor for use in pagination
    async fn cursor(&self) -> &str {
        &self.cursor
    }
}

impl<T: Keyed> TypeName for PageEdge<T> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(T::EDGE)
    }
}

/// Information about pagination in a connection
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct PageInfo {
    /// When paginating backwards, are there more items?
    pub has_previous_page: bool,
    /// When paginating forwards, are there more items?
    pub has_next_page: bool,
    /// When paginating backwards, the cursor to continue.
    pub start_cursor: Option<String>,
    /// When paginating forwards, the cursor to continue.
    pub end_cursor: Option<String>,
}

/// An item of a connection: what it is known by in its cursor (unique within its list),
/// and the names of its connection and edge types in the schema.
pub trait Keyed: Send + Sync {
    const CONNECTION: &'static str;
    const EDGE: &'static str;
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
    let edges = page.into_iter().map(|node| PageEdge { cursor: format!("k:{}", node.key()), node }).collect();
    Page { edges, has_previous_page: start > 0, has_next_page: end < total, total_count: total }
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
