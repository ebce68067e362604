//! Azure Resource Manager billing client and the billing domain.
