//! Plain selections: objects of which a query asks only what the graph holds.
//!
//! The executor resolves every field of every object through a boxed future, a field
//! context and a value map of its own, and the answer is built as a tree of values before
//! it is written out; for an entity with a page of twenty relations that is most of a
//! request's time (docs/performance.md). Most frontend queries need none of it: they ask
//! fields, with arguments, aliases and nesting, but no fragments or directives. Such a
//! selection is planned once ([`Plan`]) and walked synchronously over borrowed views of the
//! records, under the graph's lock ([`Walk`], a `serde::Serialize`). The walk serves twice:
//! - [`answer_directly`]: a whole query document, written straight to JSON without the
//!   executor (used by `queries::Executor` for documents that passed validation before);
//! - [`PlainList`]: a list field inside a query the executor runs, turned into the
//!   executor's value (arguments are not read there: the executor's own are not at hand).
//!
//! Invariant: the answer is the same either way. The plain walk is taken only when every
//! selected field, at every level, is one the object answers from what it holds
//! ([`PlainObject::plain_field`]) — no directives, no fragments, no response key twice, no
//! argument that cannot be read, no error, no more list items than the answer's budget
//! allows ([`AnswerBudget`], counted the same way); anything else goes to the executor (the
//! whole document, or the whole list). Extensions would not see plain fields resolve, so the
//! schema installs none (`api::schema_with`). tests/it/server.rs compares the walks with
//! the executor field by field.

use super::{AnswerBudget, MAX_ANSWER_ITEMS};
use crate::graph::Graph;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    Context, ContextSelectionSet, InputType, OutputType, Positioned, ServerError, ServerResult, Value, Variables,
};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::cell::Cell;
use std::sync::Mutex;

/// An object that can answer some of its fields from what it holds and the graph.
pub trait PlainObject {
    /// Its GraphQL type name, the answer to `__typename`.
    fn type_name(&self) -> &'static str;
    /// Field `name` (its schema name, not an alias) with `args`, as its resolver answers
    /// it; `None` when the field needs the request's context, an argument cannot be read
    /// here, or the resolver would answer with an error.
    fn plain_field<'s>(&'s self, graph: &'s Graph, name: &str, args: &Arguments) -> Option<PlainField<'s>>;
}

/// A field answered without the executor.
pub enum PlainField<'s> {
    /// A scalar or enum value (or null), exactly as the field's resolver would return it.
    Value(Value),
    /// A string, borrowed (written as the resolver's `String` value would be).
    Str(&'s str),
    /// An object the asked one holds.
    Object(&'s dyn PlainObject),
    /// An object made for this answer.
    Made(Box<dyn PlainObject + 's>),
    /// A list of objects.
    List(Vec<Box<dyn PlainObject + 's>>),
}

impl<'s> PlainField<'s> {
    /// A list of the objects in `items`.
    pub fn list<T: PlainObject + 's>(items: Vec<T>) -> Self {
        PlainField::List(items.into_iter().map(|item| Box::new(item) as Box<dyn PlainObject + 's>).collect())
    }

    /// A nullable object made for this answer.
    pub fn made<T: PlainObject + 's>(object: Option<T>) -> Self {
        object.map_or(PlainField::Value(Value::Null), |object| PlainField::Made(Box::new(object)))
    }

    /// A nullable string.
    pub fn text(text: Option<&'s str>) -> Self {
        text.map_or(PlainField::Value(Value::Null), PlainField::Str)
    }
}

impl PlainObject for Box<dyn PlainObject + '_> {
    fn type_name(&self) -> &'static str {
        (**self).type_name()
    }
    fn plain_field<'s>(&'s self, graph: &'s Graph, name: &str, args: &Arguments) -> Option<PlainField<'s>> {
        (**self).plain_field(graph, name, args)
    }
}

/// A field's arguments, read as its resolver's parameters.
pub struct Arguments<'a> {
    field: &'a Field,
    /// The request's variables; `None` where they are not at hand (then only arguments
    /// left out, which take their defaults, can be read).
    variables: Option<&'a Variables>,
}

impl Arguments<'_> {
    /// Argument `name` as the resolver's parameter type `T` (`T::parse(None)` when left out,
    /// as for an `Option`); `None` when it cannot be read here.
    pub fn get<T: InputType>(&self, name: &str) -> Option<T> {
        T::parse(self.given(name)?).ok()
    }

    /// Argument `name` as `T`, `default` when left out (the schema's default for it).
    pub fn get_or<T: InputType>(&self, name: &str, default: T) -> Option<T> {
        match self.given(name)? {
            None => Some(default),
            value => T::parse(value).ok(),
        }
    }

    /// The value given for argument `name`: `Some(None)` when left out, `None` when it
    /// cannot be read.
    fn given(&self, name: &str) -> Option<Option<Value>> {
        let Some((_, value)) = self.field.arguments.iter().find(|(n, _)| n.node == name) else {
            return Some(None);
        };
        let variables = self.variables?;
        value.node.clone().into_const_with(|var| variables.get(&var).cloned().ok_or(())).ok().map(Some)
    }
}

/// A selection, checked once for all the objects it is walked over: only fields, each
/// without directives, each response key once.
pub struct Plan<'s> {
    fields: Vec<PlannedField<'s>>,
}

struct PlannedField<'s> {
    key: &'s str,
    field: &'s Field,
    /// The selection of an object-valued field.
    nested: Option<Plan<'s>>,
}

/// The plan for `selection`, or `None` when it is not plain.
pub fn plan(selection: &SelectionSet) -> Option<Plan<'_>> {
    let mut fields: Vec<PlannedField> = Vec::with_capacity(selection.items.len());
    for item in &selection.items {
        let Selection::Field(field) = &item.node else { return None };
        let field = &field.node;
        let key = field.response_key().node.as_str();
        if !field.directives.is_empty() || fields.iter().any(|f| f.key == key) {
            return None;
        }
        let nested = &field.selection_set.node;
        let nested = if nested.items.is_empty() { None } else { Some(plan(nested)?) };
        fields.push(PlannedField { key, field, nested });
    }
    Some(Plan { fields })
}

/// What a walk shares: the graph, the variables and how many more list items the answer
/// may hold (counted as the executor counts them: [`AnswerBudget`]).
struct Env<'a> {
    graph: &'a Graph,
    variables: Option<&'a Variables>,
    items_left: Cell<usize>,
    /// Set when the walk stopped because its lists held more items than the answer may;
    /// any other stop means a field it cannot answer.
    over_budget: Cell<bool>,
}

impl<'a> Env<'a> {
    fn new(graph: &'a Graph, variables: Option<&'a Variables>, items_left: usize) -> Self {
        Self { graph, variables, items_left: Cell::new(items_left), over_budget: Cell::new(false) }
    }
}

/// The error a walk stops with; the caller hands the work to the executor.
const NOT_PLAIN: &str = "not a plain selection";

/// One object walked with a plan: serialises as the executor's answer for it.
struct Walk<'a> {
    object: &'a dyn PlainObject,
    plan: &'a Plan<'a>,
    env: &'a Env<'a>,
}

impl Serialize for Walk<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Walk { object, plan, env } = *self;
        let mut map = serializer.serialize_map(Some(plan.fields.len()))?;
        for planned in &plan.fields {
            let name = planned.field.name.node.as_str();
            if name == "__typename" {
                map.serialize_entry(planned.key, object.type_name())?;
                continue;
            }
            let args = Arguments { field: planned.field, variables: env.variables };
            let value = object.plain_field(env.graph, name, &args).ok_or_else(|| S::Error::custom(NOT_PLAIN))?;
            match (value, &planned.nested) {
                (PlainField::Value(value), None) => map.serialize_entry(planned.key, &value)?,
                (PlainField::Value(Value::Null), Some(_)) => map.serialize_entry(planned.key, &())?,
                (PlainField::Str(text), None) => map.serialize_entry(planned.key, text)?,
                (PlainField::Object(object), Some(plan)) => {
                    map.serialize_entry(planned.key, &Walk { object, plan, env })?
                }
                (PlainField::Made(object), Some(plan)) => {
                    map.serialize_entry(planned.key, &Walk { object: &*object, plan, env })?
                }
                (PlainField::List(items), Some(plan)) => {
                    map.serialize_entry(planned.key, &WalkList { items: &items, plan, env })?
                }
                _ => return Err(S::Error::custom(NOT_PLAIN)),
            }
        }
        map.end()
    }
}

/// A list of objects walked with one plan.
struct WalkList<'a, T> {
    items: &'a [T],
    plan: &'a Plan<'a>,
    env: &'a Env<'a>,
}

impl<T: PlainObject> Serialize for WalkList<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(left) = self.env.items_left.get().checked_sub(self.items.len()) else {
            self.env.over_budget.set(true);
            return Err(S::Error::custom(NOT_PLAIN));
        };
        self.env.items_left.set(left);
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for item in self.items {
            seq.serialize_element(&Walk { object: item, plan: self.plan, env: self.env })?;
        }
        seq.end()
    }
}

/// The JSON answer (`{"data": …}`) to the operation whose selection is `selection`, with
/// `root` as its root object; `None` when the selection is not plain, or the answer would
/// not be the same as the executor's (an error, or more list items than an answer may hold).
pub fn answer_directly(
    root: &dyn PlainObject,
    graph: &Graph,
    selection: &SelectionSet,
    variables: &Variables,
) -> Option<Vec<u8>> {
    #[derive(Serialize)]
    struct Answer<'a> {
        data: Walk<'a>,
    }
    let plan = plan(selection)?;
    let env = Env::new(graph, Some(variables), MAX_ANSWER_ITEMS);
    // Written into a buffer the size of a typical answer: growing from empty copies it over and over.
    let mut body = Vec::with_capacity(8 * 1024);
    serde_json::to_writer(&mut body, &Answer { data: Walk { object: root, plan: &plan, env: &env } }).ok()?;
    Some(body)
}

/// A borrowed view of a GraphQL object (read under the graph's lock, no reference counts
/// touched) that can make the object itself for the executor.
pub trait PlainView: PlainObject {
    type Object: OutputType;
    fn object(&self) -> Self::Object;
}

/// A list-valued field; its GraphQL type is `[T!]!`, as if it returned `Vec<T>`.
pub enum PlainList<T> {
    /// The value, already made from a plain selection; taken by `resolve`.
    Answered(Mutex<Option<Value>>),
    /// The objects, for the executor.
    Items(Vec<T>),
}

impl<T: OutputType> PlainList<T> {
    /// The answer to the list field `ctx` resolves: made now from `views` when the field's
    /// selection is plain, else the objects for the executor. Its items, and those of the
    /// lists in it, are charged to the answer's budget either way.
    pub fn answer<V: PlainView<Object = T>>(
        ctx: &Context<'_>,
        graph: &Graph,
        views: &[V],
    ) -> async_graphql::Result<Self> {
        let items = || PlainList::Items(views.iter().map(PlainView::object).collect());
        let Some(plan) = plan(&ctx.item.node.selection_set.node) else {
            AnswerBudget::charge(ctx, views.len())?;
            return Ok(items());
        };
        let left = AnswerBudget::left(ctx);
        let env = Env::new(graph, None, left);
        match async_graphql::to_value(WalkList { items: views, plan: &plan, env: &env }) {
            Ok(value) => {
                AnswerBudget::charge(ctx, left - env.items_left.get())?;
                Ok(PlainList::Answered(Mutex::new(Some(value))))
            }
            // The executor would count the same items and stop at the same place.
            Err(_) if env.over_budget.get() => Err(AnswerBudget::exceeded()),
            Err(_) => {
                AnswerBudget::charge(ctx, views.len())?;
                Ok(items())
            }
        }
    }
}

impl<T: OutputType> OutputType for PlainList<T> {
    fn type_name() -> Cow<'static, str> {
        Vec::<T>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<T>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<T>::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, field: &Positioned<Field>) -> ServerResult<Value> {
        match self {
            PlainList::Answered(value) => {
                let value = value.lock().ok().and_then(|mut v| v.take());
                value.ok_or_else(|| ServerError::new("a plain list was resolved twice", Some(field.pos)))
            }
            PlainList::Items(items) => items.resolve(ctx, field).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};

    struct Town;
    struct Person;

    impl PlainObject for Town {
        fn type_name(&self) -> &'static str {
            "Town"
        }
        fn plain_field<'s>(&'s self, _: &'s Graph, name: &str, _: &Arguments) -> Option<PlainField<'s>> {
            (name == "name").then_some(PlainField::Str("Rotterdam"))
        }
    }

    impl PlainObject for Person {
        fn type_name(&self) -> &'static str {
            "Person"
        }
        fn plain_field<'s>(&'s self, _: &'s Graph, name: &str, args: &Arguments) -> Option<PlainField<'s>> {
            match name {
                "name" => Some(PlainField::Value(Value::from("Aboutaleb"))),
                "town" => Some(PlainField::Object(&Town)),
                "towns" => {
                    let n: i32 = args.get_or("first", 1)?;
                    Some(PlainField::List((0..n).map(|_| Box::new(Town) as Box<dyn PlainObject>).collect()))
                }
                _ => None,
            }
        }
    }

    fn selection(doc: &ExecutableDocument) -> &SelectionSet {
        let DocumentOperations::Single(op) = &doc.operations else { panic!("one operation") };
        &op.node.selection_set.node
    }

    /// The JSON answer to `query` with `Person` as its root.
    fn answer(query: &str, variables: serde_json::Value) -> Option<String> {
        let doc = parse_query(query).expect("query parses");
        let variables = Variables::from_json(variables);
        let body = answer_directly(&Person, &Graph::default(), selection(&doc), &variables)?;
        Some(String::from_utf8(body).expect("UTF-8"))
    }

    #[test]
    fn plain_selections_are_walked_with_aliases_nesting_arguments_and_typename() {
        let json = answer(
            "query($n: Int!) { __typename n: name town { name } towns(first: $n) { name } }",
            serde_json::json!({ "n": 2 }),
        );
        let expected = r#"{"data":{"__typename":"Person","n":"Aboutaleb","town":{"name":"Rotterdam"},"towns":[{"name":"Rotterdam"},{"name":"Rotterdam"}]}}"#;
        assert_eq!(json.as_deref(), Some(expected));
    }

    #[test]
    fn anything_else_goes_to_the_executor() {
        for query in [
            "{ name age }",                       // a field the object cannot answer alone
            "{ name town { name mayor } }",       // the same, nested
            "{ ... on Person { name } }",         // a fragment
            "{ name @include(if: true) }",        // a directive
            "{ name name }",                      // a response key twice (the executor merges)
            "{ towns(first: \"two\") { name } }", // an argument the resolver would refuse
            "{ towns(first: 30000) { name } }",   // more list items than an answer may hold
        ] {
            assert_eq!(answer(query, serde_json::json!({})), None, "{query} was walked plainly");
        }
    }

    #[test]
    fn without_variables_only_defaults_are_read() {
        let doc = parse_query("{ towns { name } more: towns(first: 2) { name } }").expect("parses");
        let Selection::Field(left_out) = &selection(&doc).items[0].node else { panic!("a field") };
        let Selection::Field(given) = &selection(&doc).items[1].node else { panic!("a field") };
        let left_out = Arguments { field: &left_out.node, variables: None };
        assert_eq!(left_out.get_or::<i32>("first", 1), Some(1));
        assert_eq!(left_out.get::<Option<i32>>("first"), Some(None));
        assert_eq!(Arguments { field: &given.node, variables: None }.get_or::<i32>("first", 1), None);
    }
}
