//! The one validation rule async-graphql leaves to execution: an `Int` literal must fit
//! in 32 bits. Checked once per new document, from the schema's own SDL, so that
//! `first: 3000000000` is refused as invalid (GRAPHQL_VALIDATION_FAILED, status 400)
//! before anything runs, as the GraphQL spec says.

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Selection, SelectionSet, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::Value;
use std::collections::HashMap;

/// Per type and field: the named type the field returns, and its arguments' types.
#[derive(Default, Clone)]
pub struct IntArguments {
    fields: HashMap<(String, String), (String, HashMap<String, Type>)>,
}

impl IntArguments {
    /// Read from `sdl`; a text that does not parse gives an empty table (no checks).
    pub fn from_sdl(sdl: &str) -> Self {
        let mut fields = HashMap::new();
        let Ok(schema) = async_graphql::parser::parse_schema(sdl) else { return Self::default() };
        for definition in schema.definitions {
            let TypeSystemDefinition::Type(ty) = definition else { continue };
            let defined = match &ty.node.kind {
                TypeKind::Object(o) => &o.fields,
                TypeKind::Interface(i) => &i.fields,
                _ => continue,
            };
            for field in defined {
                let args = field.node.arguments.iter().map(|a| (a.node.name.node.to_string(), a.node.ty.node.clone()));
                fields.insert(
                    (ty.node.name.node.to_string(), field.node.name.node.to_string()),
                    (named(&field.node.ty.node).to_string(), args.collect()),
                );
            }
        }
        Self { fields }
    }

    /// The first `Int` argument written as a literal outside 32 bits, as a message.
    pub fn out_of_range(&self, doc: &ExecutableDocument) -> Option<String> {
        for (_, op) in doc.operations.iter() {
            let root = match op.node.ty {
                async_graphql::parser::types::OperationType::Query => "Query",
                async_graphql::parser::types::OperationType::Mutation => "Mutation",
                async_graphql::parser::types::OperationType::Subscription => "Subscription",
            };
            if let Some(m) = self.in_selection(root, &op.node.selection_set.node) {
                return Some(m);
            }
        }
        doc.fragments
            .values()
            .find_map(|f| self.in_selection(f.node.type_condition.node.on.node.as_str(), &f.node.selection_set.node))
    }

    fn in_selection(&self, parent: &str, set: &SelectionSet) -> Option<String> {
        set.items.iter().find_map(|selection| match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                let (returns, args) = self.fields.get(&(parent.to_string(), field.name.node.to_string()))?;
                for (name, value) in &field.arguments {
                    let Some(ty) = args.get(name.node.as_str()) else { continue };
                    // A value with variables in it is the variables' to check.
                    let Some(value) = value.node.clone().into_const() else { continue };
                    if let Some(n) = int_out_of_range(ty, &value) {
                        return Some(format!(
                            "argument `{}` of `{}` is {n}: an Int must be between -2147483648 and 2147483647",
                            name.node, field.name.node
                        ));
                    }
                }
                self.in_selection(returns, &field.selection_set.node)
            }
            Selection::InlineFragment(inline) => {
                let on = inline.node.type_condition.as_ref().map_or(parent, |c| c.node.on.node.as_str());
                self.in_selection(on, &inline.node.selection_set.node)
            }
            // Fragment definitions are checked on their own.
            Selection::FragmentSpread(_) => None,
        })
    }
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => named(item),
    }
}

/// A number in `value` (or its list) outside 32 bits, when `ty` is `Int` (or a list of it).
fn int_out_of_range(ty: &Type, value: &Value) -> Option<String> {
    match (&ty.base, value) {
        (BaseType::List(item), Value::List(values)) => values.iter().find_map(|v| int_out_of_range(item, v)),
        (BaseType::List(item), v) => int_out_of_range(item, v),
        (BaseType::Named(name), Value::Number(n)) if name.as_str() == "Int" => {
            n.as_i64().and_then(|i| i32::try_from(i).ok()).is_none().then(|| n.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str) -> Option<String> {
        let doc = async_graphql::parser::parse_query(query).expect("parses");
        IntArguments::from_sdl(&super::super::sdl()).out_of_range(&doc)
    }

    #[test]
    fn int_literals_past_32_bits_are_found_wherever_they_are_written() {
        assert!(check("{ entities(first: 3000000000) { totalCount } }").is_some());
        assert!(check("{ entity(id: \"e\") { relations(last: -3000000000) { totalCount } } }").is_some());
        assert!(check("{ ...F } fragment F on Query { search(text: \"a\", first: 9999999999) { id } }").is_some());
        assert!(
            check("{ node(id: \"e\") { ... on Entity { neighbors(first: 3000000000) { totalCount } } } }").is_some()
        );
        // In range, or an ID (which may be written as a number): nothing to refuse.
        assert_eq!(check("{ entities(first: 100) { totalCount } entity(id: 3000000000) { name } }"), None);
    }
}
