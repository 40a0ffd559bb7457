/** Command ids, as contributed in package.json. */
export const COMMANDS = {
  toggleInlineCompletions: "hearth.toggleInlineCompletions",
  restartServer: "hearth.restartServer",
  showLog: "hearth.showLog",
  showStatus: "hearth.showStatus",
  openChat: "hearth.openChat",
  addSelectionToChat: "hearth.addSelectionToChat",
  explain: "hearth.explain",
  fix: "hearth.fix",
  fixWithInstruction: "hearth.fixWithInstruction",
  selectModel: "hearth.selectModel",
  setHuggingFaceToken: "hearth.setHuggingFaceToken",
  setRemoteApiKey: "hearth.setRemoteApiKey",
  suggestNextEdit: "hearth.nextEdit.suggest",
  jumpToOrAcceptNextEdit: "hearth.nextEdit.jumpOrAccept",
  dismissNextEdit: "hearth.nextEdit.dismiss",
  acceptReview: "hearth.review.accept",
  rejectReview: "hearth.review.reject",
  generateCommitMessage: "hearth.generateCommitMessage",
  useInVsCodeChat: "hearth.useInVsCodeChat",
  showSuggestionRecord: "hearth.showSuggestionRecord",
  clearSuggestionRecord: "hearth.clearSuggestionRecord",
} as const;

/** Language model tools, as contributed in package.json (`languageModelTools`) and registered with `vscode.lm`. */
export const LANGUAGE_MODEL_TOOLS = {
  searchCode: "hearth_searchCode",
} as const;
