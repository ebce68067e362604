//! Open string enums: Azure marks nearly every enum `modelAsString`, so a new value must
//! deserialize instead of failing a whole page, and must serialize back unchanged.

/// Declares an enum whose wire form is a string, with an `Unknown(String)` arm for values this
/// build does not know yet.
///
/// Matching is ASCII case-insensitive because ARM treats enum values that way (examples mix
/// `Credited` and `credited`); a known value serializes with its documented spelling, an unknown
/// one exactly as received.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this build does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The wire spelling.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unknown(other) => other,
                }
            }

            /// Whether this value is one the build knows.
            #[must_use]
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $(if text.eq_ignore_ascii_case($text) {
                    return Self::$variant;
                })+
                Self::Unknown(text.to_owned())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(text.as_ref()))
            }
        }
    };
}

pub(crate) use string_enum;

string_enum! {
    /// The contract behind a billing account (`agreementType`).
    pub enum AgreementType {
        Other = "Other",
        MicrosoftCustomerAgreement = "MicrosoftCustomerAgreement",
        EnterpriseAgreement = "EnterpriseAgreement",
        MicrosoftOnlineServicesProgram = "MicrosoftOnlineServicesProgram",
        MicrosoftPartnerAgreement = "MicrosoftPartnerAgreement",
    }
}

#[cfg(test)]
mod tests {
    use super::AgreementType;

    #[test]
    fn known_values_parse_case_insensitively() {
        let parsed: AgreementType = serde_json::from_str("\"enterpriseagreement\"").unwrap();
        assert_eq!(parsed, AgreementType::EnterpriseAgreement);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            "\"EnterpriseAgreement\""
        );
    }

    #[test]
    fn unknown_values_round_trip_verbatim() {
        let parsed: AgreementType = serde_json::from_str("\"MicrosoftFutureAgreement\"").unwrap();
        assert_eq!(
            parsed,
            AgreementType::Unknown("MicrosoftFutureAgreement".into())
        );
        assert!(!parsed.is_known());
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            "\"MicrosoftFutureAgreement\""
        );
    }
}
