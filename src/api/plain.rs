//! Plain selections: a list of objects of which a query asks only stored values.
//!
//! The executor resolves every field of every object through a boxed future, a field
//! context and a value map of its own; for a page of twenty relations with their two
//! entities that is most of a request's time (docs/performance.md). Most frontend queries
//! ask such lists for plain values only (`relations { type weight source { id name } }`),
//! and those need none of it: [`PlainList::answer`] walks the selection once,
//! synchronously, over borrowed views of the records (under the graph's lock, so no
//! reference count is touched), and builds the same value the executor would.
//!
//! Invariant: the answer is the same either way. The plain walk is taken only when every
//! selected field, at every level, is one the object answers from what it holds
//! ([`PlainObject::plain_field`]) — no arguments, no directives, no fragments, no response
//! key twice; anything else sends the whole list to the executor. Extensions would not see
//! plain fields resolve, so the schema installs none (`api::schema_with`). tests/it/server.rs
//! compares both walks field by field.

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{Context, ContextSelectionSet, Name, OutputType, Positioned, ServerError, ServerResult, Value};
use std::borrow::Cow;
use std::sync::Mutex;

/// An object that can answer some of its fields from what it holds.
pub trait PlainObject: Sync {
    /// Its GraphQL type name, the answer to `__typename`.
    fn type_name(&self) -> &'static str;
    /// Field `name` (its schema name, not an alias) as a value or a nested object; `None`
    /// when the field takes arguments or needs the request's context.
    fn plain_field(&self, name: &str) -> Option<PlainField<'_>>;
}

/// A field answered without the executor.
pub enum PlainField<'a> {
    /// A scalar or enum value, exactly as the field's resolver would return it.
    Value(Value),
    /// A nested object, walked with the field's own selection.
    Object(&'a dyn PlainObject),
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
    /// selection is plain, else the objects for the executor.
    pub fn answer<V: PlainView<Object = T>>(ctx: &Context<'_>, views: &[V]) -> Self {
        let values: Option<Vec<Value>> = plan(&ctx.item.node.selection_set.node)
            .and_then(|plan| views.iter().map(|view| plain_value(view, &plan)).collect());
        match values {
            Some(values) => PlainList::Answered(Mutex::new(Some(Value::List(values)))),
            None => PlainList::Items(views.iter().map(PlainView::object).collect()),
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

/// A selection, checked once for a whole list: only fields, each without arguments or
/// directives, each response key once.
struct Plan<'s> {
    fields: Vec<PlannedField<'s>>,
}

struct PlannedField<'s> {
    /// The response key, made for this request: the document's own names are shared by
    /// every request that runs it, and cloning them for every item of every answer made
    /// the cores fight over their reference counts.
    key: Name,
    name: &'s str,
    /// The selection of an object-valued field.
    nested: Option<Plan<'s>>,
}

fn plan(selection: &SelectionSet) -> Option<Plan<'_>> {
    let mut fields: Vec<PlannedField> = Vec::with_capacity(selection.items.len());
    for item in &selection.items {
        let Selection::Field(field) = &item.node else { return None };
        let field = &field.node;
        let key = &field.response_key().node;
        if !field.arguments.is_empty() || !field.directives.is_empty() || fields.iter().any(|f| f.key == *key) {
            return None;
        }
        let nested = &field.selection_set.node;
        let nested = if nested.items.is_empty() { None } else { Some(plan(nested)?) };
        fields.push(PlannedField { key: Name::new(key.as_str()), name: field.name.node.as_str(), nested });
    }
    Some(Plan { fields })
}

/// `object` with the planned selection, or `None` when a field is not plain for it.
fn plain_value(object: &dyn PlainObject, plan: &Plan) -> Option<Value> {
    let mut fields = IndexMap::with_capacity(plan.fields.len());
    for field in &plan.fields {
        let value = match (field.name, &field.nested) {
            ("__typename", None) => Value::String(object.type_name().to_string()),
            (name, nested) => match (object.plain_field(name)?, nested) {
                (PlainField::Value(value), None) => value,
                (PlainField::Object(object), Some(nested)) => plain_value(object, nested)?,
                _ => return None,
            },
        };
        fields.insert(field.key.clone(), value);
    }
    Some(Value::Object(fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::DocumentOperations;

    struct Town;
    struct Person;

    impl PlainObject for Town {
        fn type_name(&self) -> &'static str {
            "Town"
        }
        fn plain_field(&self, name: &str) -> Option<PlainField<'_>> {
            (name == "name").then(|| PlainField::Value(Value::from("Rotterdam")))
        }
    }

    impl PlainObject for Person {
        fn type_name(&self) -> &'static str {
            "Person"
        }
        fn plain_field(&self, name: &str) -> Option<PlainField<'_>> {
            match name {
                "name" => Some(PlainField::Value(Value::from("Aboutaleb"))),
                "town" => Some(PlainField::Object(&Town)),
                _ => None,
            }
        }
    }

    /// The plain walk of `Person` under the first field of `query`.
    fn walk(query: &str) -> Option<Value> {
        let doc = parse_query(query).expect("query parses");
        let DocumentOperations::Single(op) = doc.operations else { panic!("one operation") };
        let Selection::Field(field) = &op.node.selection_set.node.items[0].node else { panic!("a field") };
        plan(&field.node.selection_set.node).and_then(|plan| plain_value(&Person, &plan))
    }

    #[test]
    fn plain_selections_are_walked_with_aliases_nesting_and_typename() {
        let value = walk("{ p { __typename n: name town { name } } }").expect("plain");
        assert_eq!(value.to_string(), r#"{__typename: "Person", n: "Aboutaleb", town: {name: "Rotterdam"}}"#);
    }

    #[test]
    fn anything_else_goes_to_the_executor() {
        for query in [
            "{ p { name age } }",                 // a field the object cannot answer alone
            "{ p { name town { name mayor } } }", // the same, nested
            "{ p { ... on Person { name } } }",   // a fragment
            "{ p { name(lang: NL) } }",           // arguments
            "{ p { name @include(if: true) } }",  // a directive
            "{ p { name name } }",                // a response key twice (the executor merges)
        ] {
            assert!(walk(query).is_none(), "{query} was walked plainly");
        }
    }
}
