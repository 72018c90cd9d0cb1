//! The rules of a customer's document request: which kinds need a contract or a year, which
//! years a fiscal certificate exists for, and no second pending request for the same thing.

use crate::model::RequestKind;
use crate::refusal::Refusal;

/// A document request as typed, already resolved against the customer's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentRequest {
    pub kind: RequestKind,
    /// Whether the chosen contract is one of the customer's (None: no contract chosen).
    pub contract_is_theirs: Option<bool>,
    pub year: Option<i32>,
}

/// What the customer already has pending, as (kind, contract chosen?, year).
pub type Pending = (RequestKind, Option<i64>, Option<i32>);

/// Checks a request. `first_year` is the start year of the customer's first contract and
/// `this_year` today's year: a fiscal certificate covers a finished calendar year.
pub fn check(
    request: DocumentRequest,
    contract_id: Option<i64>,
    first_year: Option<i32>,
    this_year: i32,
    pending: &[Pending],
) -> Result<(), Refusal> {
    if request.contract_is_theirs == Some(false) {
        return Err(Refusal::DocumentContractUnknown);
    }
    match request.kind {
        RequestKind::ContractCopy if request.contract_is_theirs.is_none() => {
            return Err(Refusal::DocumentContractRequired);
        }
        RequestKind::FiscalCertificate => {
            let Some(year) = request.year else {
                return Err(Refusal::DocumentYearRequired);
            };
            let first = first_year.unwrap_or(this_year);
            if year < first || year >= this_year {
                return Err(Refusal::DocumentYearInvalid);
            }
        }
        _ => {}
    }
    let year = match request.kind {
        RequestKind::FiscalCertificate => request.year,
        _ => None,
    };
    if pending.contains(&(request.kind, contract_id, year)) {
        return Err(Refusal::DocumentAlreadyRequested);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(kind: RequestKind, contract: Option<bool>, year: Option<i32>) -> DocumentRequest {
        DocumentRequest {
            kind,
            contract_is_theirs: contract,
            year,
        }
    }

    #[test]
    fn fiscal_certificate_needs_a_finished_year_of_the_customer() {
        let f = RequestKind::FiscalCertificate;
        assert_eq!(
            check(req(f, None, None), None, Some(2022), 2026, &[]),
            Err(Refusal::DocumentYearRequired)
        );
        assert_eq!(
            check(req(f, None, Some(2021)), None, Some(2022), 2026, &[]),
            Err(Refusal::DocumentYearInvalid)
        );
        assert_eq!(
            check(req(f, None, Some(2026)), None, Some(2022), 2026, &[]),
            Err(Refusal::DocumentYearInvalid)
        );
        assert_eq!(
            check(req(f, None, Some(2025)), None, Some(2022), 2026, &[]),
            Ok(())
        );
        assert_eq!(
            check(req(f, None, Some(2022)), None, Some(2022), 2026, &[]),
            Ok(())
        );
    }

    #[test]
    fn contract_copy_needs_one_of_their_contracts() {
        let c = RequestKind::ContractCopy;
        assert_eq!(
            check(req(c, None, None), None, Some(2022), 2026, &[]),
            Err(Refusal::DocumentContractRequired)
        );
        assert_eq!(
            check(req(c, Some(false), None), None, Some(2022), 2026, &[]),
            Err(Refusal::DocumentContractUnknown)
        );
        assert_eq!(
            check(req(c, Some(true), None), Some(7), Some(2022), 2026, &[]),
            Ok(())
        );
    }

    #[test]
    fn the_same_pending_request_is_not_made_twice() {
        let f = RequestKind::FiscalCertificate;
        let pending = [(f, None, Some(2025))];
        assert_eq!(
            check(req(f, None, Some(2025)), None, Some(2022), 2026, &pending),
            Err(Refusal::DocumentAlreadyRequested)
        );
        assert_eq!(
            check(req(f, None, Some(2024)), None, Some(2022), 2026, &pending),
            Ok(())
        );
        let s = RequestKind::Statement;
        assert_eq!(
            check(
                req(s, None, Some(1999)),
                None,
                Some(2022),
                2026,
                &[(s, None, None)]
            ),
            Err(Refusal::DocumentAlreadyRequested)
        );
    }
}
