"""Delivery assurance in the web app: the delivery plan with KPIs and RAG, the implementation
timeline, the risk register with proposals, maturity self-assessments and the practice resilience
watch list, with a board summary (issue 13). Computation is the library's (:mod:`gpworkforce.delivery`);
this app persists the registers, audits every write and shows them."""
