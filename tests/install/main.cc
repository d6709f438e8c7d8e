// Uses zhucun through its umbrella header only, as an application would.

#include <iostream>

#include <zhucun/zhucun.h>

int main() {
  zhucun::Env env;
  env.Declare("weight", zhucun::Type::Decimal());
  zhucun::SourceManager sources;
  auto program = env.Compile(
      "weight * decimal('50') + decimal('0.3') * decimal('50.3') + "
      "decimal('0.5') * decimal('69.82') == decimal('60')",
      sources);
  if (!program.ok()) {
    std::cerr << program.diagnostics().Render(sources);
    return 1;
  }
  zhucun::Activation activation;
  activation.Bind("weight",
                  zhucun::Value::FromDecimal(*zhucun::Decimal::Parse("0.2")));
  zhucun::Value result = program.value().Evaluate(activation);
  std::cout << "zhucun " << ZHUCUN_VERSION_STRING << ": "
            << result.DebugString() << "\n";
  return result == zhucun::Value::Bool(true) ? 0 : 1;
}
